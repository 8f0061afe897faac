import { describe, expect, it } from "vitest";
import { DAY, FakeClock, HOUR, MINUTE } from "./clock.ts";
import { Directory } from "./directory.ts";
import { EntraTenant } from "./entra.ts";
import { ESCROW_RETRY_OFFSETS } from "./entra-escrow.ts";
import type { FetchLike } from "./http.ts";

const LIST = {
	schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
	totalResults: 0,
	startIndex: 1,
	itemsPerPage: 0,
	Resources: [],
};

/** A SCIM server that answers every lookup with no match and every POST with `postStatus`. */
function server(postStatus: () => number): FetchLike {
	return async (_url, init) => {
		if (init.method === "GET") return new Response(JSON.stringify(LIST), { status: 200 });
		const status = postStatus();
		const body =
			status === 201 ? { id: crypto.randomUUID(), userName: "x", active: true } : { status: String(status) };
		return new Response(JSON.stringify(body), { status });
	};
}

function tenantOver(fetch: FetchLike, hires: number) {
	const clock = new FakeClock();
	const directory = new Directory(clock);
	for (let i = 0; i < hires; i++) directory.hire({ givenName: "Escrow", surname: `User${i}` });
	const tenant = new EntraTenant({
		flag: false,
		directory,
		clock,
		baseUrl: "http://scim.test/scim/v2",
		token: "t",
		fetch,
	});
	return { clock, tenant };
}

describe("Entra escrow and quarantine (decision 0176)", () => {
	it("a failing operation is retried at the next cycle, then 6, 12, 24, 48, 96 and 168 h after its first failure, then flagged", async () => {
		const { clock, tenant } = tenantOver(
			server(() => 503),
			1,
		);
		const first = clock.now();
		const attempts: number[] = [];
		for (let hour = 0; hour <= 24 * 8; hour++) {
			const posts = tenant.http.exchanges.filter((exchange) => exchange.method === "POST").length;
			await tenant.cycle();
			if (tenant.http.exchanges.filter((exchange) => exchange.method === "POST").length > posts) {
				attempts.push(clock.now() - first);
			}
			clock.advance(HOUR);
		}
		expect(attempts).toEqual([0, HOUR, ...ESCROW_RETRY_OFFSETS.slice(1)]);
		const [entry] = tenant.status().escrow;
		expect(entry).toMatchObject({ code: "ServerError", failures: 8, nextAttemptAt: undefined });
		expect(tenant.entries.at(-1)?.message).toMatch(
			/retried 7 times\. It will not be retried until provisioning is restarted/,
		);
	});

	it("one failure among many stays in escrow; more than 40 % of at least 5 failing puts the job in quarantine", async () => {
		let calls = 0;
		const fewFail = tenantOver(
			server(() => (++calls === 1 ? 500 : 201)),
			10,
		);
		await fewFail.tenant.cycle();
		expect(fewFail.tenant.status()).toMatchObject({ quarantine: undefined, escrow: [expect.anything()] });

		calls = 0;
		const mostFail = tenantOver(
			server(() => (++calls % 2 === 0 ? 201 : 500)),
			10,
		);
		await mostFail.tenant.cycle();
		expect(mostFail.tenant.status().quarantine).toMatchObject({
			reason: "EncounteredEscrowProportionThreshold",
			error: { message: "5 of 10 operations failed in the last cycle (more than 40 %)." },
		});
	});

	it("in quarantine cycles back off (80 min, 160 min, … up to daily); after four weeks the job is disabled; Restart clears it", async () => {
		const { clock, tenant } = tenantOver(
			server(() => 401),
			3,
		);
		const gaps: number[] = [];
		let last = clock.now();
		while (!tenant.status().disabled && gaps.length < 100) {
			await tenant.cycle();
			const next = tenant.nextCycleAt();
			gaps.push(next - clock.now());
			clock.advance(next - clock.now());
			last = clock.now();
		}
		expect(tenant.status().quarantine).toMatchObject({
			reason: "EncounteredQuarantineException",
			error: { code: "Unauthorized" },
		});
		expect(gaps.slice(0, 6)).toEqual([80, 160, 320, 640, 1280, 1440].map((minutes) => minutes * MINUTE));
		expect(tenant.status().disabled).toBe(true);
		const sent = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		expect(tenant.http.exchanges.length).toBe(sent);
		expect(last - (tenant.status().quarantine?.seriesBegan ?? 0)).toBeGreaterThan(28 * DAY);

		tenant.restart();
		expect(tenant.status()).toMatchObject({ quarantine: undefined, disabled: false, escrow: [] });
		expect(tenant.userAnchors.size).toBe(0);
	});
});
