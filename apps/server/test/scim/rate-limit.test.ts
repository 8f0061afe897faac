import { scimConnections } from "@roster/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { createScimRuntime } from "../../src/scim/index.ts";
import { testConfig } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const redisUrl = process.env.TEST_REDIS_URL;
const backends: [string, string | undefined][] = [["in-process", undefined]];
if (redisUrl) backends.push(["Redis", redisUrl]);

describe.each(backends)("rate limiting per connection (%s)", (_label, redis) => {
	let h: ScimHarness;
	beforeAll(async () => {
		h = await createScimHarness(redis ? { redisUrl: redis } : {});
		await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 25 } } });
	});
	afterAll(async () => {
		await h.close();
	});

	it("answers 429 with a SCIM error and an integer Retry-After once the budget is spent", async () => {
		const replies = await Promise.all(
			Array.from({ length: 40 }, () => h.scim("GET", "/ServiceProviderConfig")),
		);
		const throttled = replies.filter((reply) => reply.status === 429);
		expect(replies.filter((reply) => reply.status === 200).length).toBeGreaterThanOrEqual(25);
		expect(throttled.length).toBeGreaterThan(0);
		for (const reply of throttled) {
			expect(reply.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
			expect(reply.body).toMatchObject({
				schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
				status: "429",
			});
		}
	});

	it("limits each connection separately", async () => {
		const other = h.clientFor(await h.issueToken("default", "budget-2"));
		await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 25 } } });
		expect((await other("GET", "/ServiceProviderConfig")).status).toBe(200);
	});

	it("shares one budget among all tokens of a connection", async () => {
		const tokens = [
			await h.issueToken("default", "three-tokens"),
			await h.issueToken("default", "three-tokens"),
			await h.issueToken("default", "three-tokens"),
		];
		await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 25 } } });
		const replies = await Promise.all(
			tokens.flatMap((token) =>
				Array.from({ length: 20 }, () => h.clientFor(token)("GET", "/ServiceProviderConfig")),
			),
		);
		const throttled = replies.filter((reply) => reply.status === 429);
		expect(throttled.length).toBeGreaterThanOrEqual(10);
		expect(throttled[0]?.body).toMatchObject({ detail: expect.stringContaining("this connection") });
	});

	if (redis) {
		it("shares one budget across replicas through Redis", async () => {
			const logger = createLogger({ level: "silent" });
			const second = createScimRuntime({ db: h.db, logger, redisUrl: redis });
			const replica = createApp({ db: h.db, config: testConfig(), logger, scim: second });
			const token = await h.issueToken("default", "shared-budget");
			await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 25 } } });
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const call = (app: typeof replica) =>
				app.request("http://roster.test/scim/v2/ServiceProviderConfig", {
					headers: { Authorization: `Bearer ${token}` },
				});
			const replies = await Promise.all([
				...Array.from({ length: 15 }, () => call(h.app)),
				...Array.from({ length: 15 }, () => call(replica)),
			]);
			await second.close();
			expect(replies.filter((reply) => reply.status === 429).length).toBeGreaterThan(0);
		});
	}
});
