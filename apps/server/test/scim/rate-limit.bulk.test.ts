import { randomUUID } from "node:crypto";
import { scimConnections } from "@roster/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCIM_LIMITS } from "../../src/scim/limits.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

const redisUrl = process.env.TEST_REDIS_URL;
const backends: [string, string | undefined][] = [["in-process", undefined]];
if (redisUrl) backends.push(["Redis", redisUrl]);

describe.each(backends)("/Bulk is charged per operation (%s)", (_label, redis) => {
	let h: ScimHarness;
	beforeAll(async () => {
		h = await createScimHarness(redis ? { redisUrl: redis } : {});
	});
	afterAll(async () => {
		await h.close();
	});

	/** A client on a fresh connection of its own, throttled at 25 requests (or operations) per second. */
	async function throttledClient(name: string) {
		const token = await h.issueToken("default", name);
		await h.db.db
			.update(scimConnections)
			.set({ settings: { rateLimit: { requestsPerSecond: 25 } } })
			.where(eq(scimConnections.name, name));
		return h.clientFor(token);
	}

	function creates(prefix: string, count: number) {
		return Array.from({ length: count }, (_, i) => ({
			method: "POST",
			path: "/Users",
			bulkId: `${prefix}-${i}`,
			data: { schemas: [USER_SCHEMA], userName: `${prefix}-${i}@example.com` },
		}));
	}

	it("refuses up front, running none of its operations, a Bulk the rest of the second cannot cover", async () => {
		const client = await throttledClient("bulk-cover");
		const [first, second] = await Promise.all(
			["cover-a", "cover-b"].map((prefix) =>
				client("POST", "/Bulk", { schemas: [BULK_REQUEST], Operations: creates(prefix, 20) }),
			),
		);
		const statuses = [first?.status, second?.status].sort();
		expect(statuses).toEqual([200, 429]);
		const refused = first?.status === 429 ? first : second;
		expect(refused?.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
		expect(refused?.body).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "429",
		});
		const refusedPrefix = first?.status === 429 ? "cover-a" : "cover-b";
		const found = await h.scim(
			"GET",
			`/Users?filter=${encodeURIComponent(`userName sw "${refusedPrefix}"`)}`,
		);
		expect(found.body).toMatchObject({ totalResults: 0 });
	});

	it("admits a Bulk larger than a whole second's budget, then holds the connection until it is paid for", async () => {
		const client = await throttledClient("bulk-big");
		// Charged for all 100 operations up front; `failOnErrors` stops it after the first 404, so it is quick.
		const deletes = Array.from({ length: 100 }, () => ({ method: "DELETE", path: `/Users/${randomUUID()}` }));
		const bulk = await client("POST", "/Bulk", {
			schemas: [BULK_REQUEST],
			Operations: deletes,
			failOnErrors: 1,
		});
		expect(bulk.status).toBe(200);
		const next = await client("GET", "/ServiceProviderConfig");
		expect(next.status).toBe(429);
		expect(next.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
	});

	it("still answers 413 before charging a Bulk with more than maxOperations", async () => {
		const client = await throttledClient("bulk-too-many");
		const reply = await client("POST", "/Bulk", {
			schemas: [BULK_REQUEST],
			Operations: creates("many", SCIM_LIMITS.bulkMaxOperations + 1),
		});
		expect(reply.status).toBe(413);
		expect((await client("GET", "/ServiceProviderConfig")).status).toBe(200);
	});
});
