import { describe, expect, it } from "vitest";
import { FakeClock, MINUTE, realClock } from "./clock.ts";
import { Directory } from "./directory.ts";
import { OKTA_MAX_ATTEMPTS, OktaTenant } from "./okta.ts";

const LIST = {
	schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
	totalResults: 0,
	startIndex: 1,
	itemsPerPage: 0,
	Resources: [],
};

/** A network that throttles the first `throttled` requests with the given Retry-After, then answers. */
function throttlingNetwork(throttled: number, retryAfter: string | undefined) {
	let calls = 0;
	return async (_url: string, _init: RequestInit) => {
		calls++;
		if (calls <= throttled) {
			return new Response(
				JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" }),
				{
					status: 429,
					headers: retryAfter === undefined ? {} : { "Retry-After": retryAfter },
				},
			);
		}
		return new Response(JSON.stringify(LIST), {
			status: 200,
			headers: { "Content-Type": "application/scim+json" },
		});
	};
}

function tenantOver(network: ReturnType<typeof throttlingNetwork>, clock: FakeClock | typeof realClock) {
	return new OktaTenant({
		app: "oin",
		directory: new Directory(clock),
		clock,
		baseUrl: "http://scim.test/scim/v2",
		token: "t",
		fetch: network,
	});
}

describe("Okta 429 back-off (okta.md §4) on a fake clock", () => {
	it.each([
		["an integer Retry-After is honoured, then doubled", "7", [7_000, 14_000, 28_000]],
		[
			"a missing Retry-After waits 5 minutes, then doubles",
			undefined,
			[5 * MINUTE, 10 * MINUTE, 20 * MINUTE],
		],
		["a non-integer Retry-After counts as missing", "1.5", [5 * MINUTE, 10 * MINUTE, 20 * MINUTE]],
		[
			"an HTTP-date Retry-After counts as missing",
			"Wed, 21 Oct 2026 07:28:00 GMT",
			[5 * MINUTE, 10 * MINUTE, 20 * MINUTE],
		],
	])("%s", async (_label, retryAfter, waits) => {
		const clock = new FakeClock();
		const tenant = tenantOver(throttlingNetwork(3, retryAfter), clock);
		await tenant.importAll("Users");
		expect(clock.sleeps).toEqual(waits);
		expect(tenant.http.exchanges.map((exchange) => exchange.status)).toEqual([429, 429, 429, 200]);
	});

	it("a larger Retry-After than the doubled wait wins", async () => {
		const clock = new FakeClock();
		let calls = 0;
		const tenant = tenantOver(async () => {
			calls++;
			const headers = { "Retry-After": calls === 1 ? "1" : "60" };
			if (calls <= 2) return new Response("{}", { status: 429, headers });
			return new Response(JSON.stringify(LIST), { status: 200 });
		}, clock);
		await tenant.importAll("Users");
		expect(clock.sleeps).toEqual([1_000, 60_000]);
	});

	it(`the task fails after ${OKTA_MAX_ATTEMPTS} attempts`, async () => {
		const clock = new FakeClock();
		const directory = new Directory(clock);
		directory.hire({ givenName: "Rate", surname: "Limited" });
		const throttledTenant = new OktaTenant({
			app: "oin",
			directory,
			clock,
			baseUrl: "http://scim.test/scim/v2",
			token: "t",
			fetch: throttlingNetwork(100, "1"),
		});
		const failed = await throttledTenant.sync();
		expect(failed).toHaveLength(1);
		expect(failed[0]?.reason).toMatch(/gave up after 10 attempts/);
		expect(throttledTenant.http.exchanges).toHaveLength(OKTA_MAX_ATTEMPTS);
		expect(clock.sleeps).toHaveLength(OKTA_MAX_ATTEMPTS - 1);
	});

	it("on the real clock (a tenant server), the retry really waits out Retry-After", async () => {
		const tenant = tenantOver(throttlingNetwork(1, "1"), realClock);
		await tenant.importAll("Users");
		const [refused, retried] = tenant.http.exchanges;
		expect(refused?.status).toBe(429);
		// A timer may fire a fraction of a millisecond early by performance.now(); a retry after 0 s would be ~0.
		expect((retried?.startedAt ?? 0) - (refused?.startedAt ?? 0)).toBeGreaterThanOrEqual(995);
	});
});
