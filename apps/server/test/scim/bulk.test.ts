import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCIM_LIMITS } from "../../src/scim/limits.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

type Result = { method: string; bulkId?: string; location?: string; version?: string; status: string };

function bulk(operations: unknown[], extra: Record<string, unknown> = {}) {
	return h.scim("POST", "/Bulk", { schemas: [BULK_REQUEST], Operations: operations, ...extra });
}

function newUser(userName: string) {
	return { schemas: [USER], userName, externalId: `ext-${userName}` };
}

async function memberIdsOf(groupId: string): Promise<string[]> {
	const found = await rows<{ user_id: string }>(
		h.db.db,
		sql`select user_id from group_members where group_id = ${groupId} order by user_id`,
	);
	return found.map((row) => row.user_id);
}

async function userCount(prefix: string): Promise<number> {
	const [row] = await rows<{ n: number }>(
		h.db.db,
		sql`select count(*)::int as n from users where user_name like ${`${prefix}%`}`,
	);
	return row?.n ?? 0;
}

function idOf(result: Result | undefined): string {
	const id = result?.location?.split("/").pop();
	if (!id) throw new Error(`no location in ${JSON.stringify(result)}`);
	return id;
}

describe("POST /Bulk", () => {
	it("creates users and a group that references them by bulkId in one request, in any order", async () => {
		const res = await bulk([
			{
				method: "POST",
				path: "/Groups",
				bulkId: "team",
				data: {
					schemas: [GROUP],
					displayName: "Bulk Team",
					members: [{ value: "bulkId:ada" }, { value: "bulkId:alan" }],
				},
			},
			{ method: "POST", path: "/Users", bulkId: "ada", data: newUser("bulk.ada") },
			{ method: "POST", path: "/Users", bulkId: "alan", data: newUser("bulk.alan") },
		]);
		expect(res.status).toBe(200);
		expect(res.body?.schemas).toEqual([BULK_RESPONSE]);
		const results = res.body?.Operations as Result[];
		expect(results.map((r) => [r.bulkId, r.status])).toEqual([
			["team", "201"],
			["ada", "201"],
			["alan", "201"],
		]);
		const [team, ada, alan] = results;
		expect(team?.location).toMatch(/\/scim\/v2\/Groups\/[0-9a-f-]{36}$/);
		expect(team?.version).toBe('W/"1"');
		expect(await memberIdsOf(idOf(team))).toEqual([idOf(ada), idOf(alan)].sort());
	});

	it("accepts operation paths with trailing slashes, as the routes do", async () => {
		const res = await bulk([
			{ method: "POST", path: "/Users/", bulkId: "slash", data: newUser("bulk.slash") },
			{ method: "DELETE", path: "/Users/bulkId:slash/" },
		]);
		const results = res.body?.Operations as Result[];
		expect(results.map((r) => r.status)).toEqual(["201", "204"]);
		expect(results[0]?.location).toMatch(/\/scim\/v2\/Users\/[0-9a-f-]{36}$/);
		expect((await h.scim("GET", `/Users/${idOf(results[0])}`)).status).toBe(404);
	});

	it("runs PUT, PATCH and DELETE on ids resolved from bulkIds and reports each status", async () => {
		const res = await bulk([
			{ method: "POST", path: "/Users", bulkId: "grace", data: newUser("bulk.grace") },
			{
				method: "PATCH",
				path: "/Users/bulkId:grace",
				data: {
					schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
					Operations: [{ op: "replace", path: "displayName", value: "Grace H." }],
				},
			},
			{
				method: "PUT",
				path: "/Users/bulkId:grace",
				data: { ...newUser("bulk.grace"), displayName: "Grace Hopper" },
			},
			{ method: "DELETE", path: "/Users/bulkId:grace" },
		]);
		const results = res.body?.Operations as Result[];
		expect(results.map((r) => r.status)).toEqual(["201", "200", "200", "204"]);
		expect(results[1]?.version).toBe('W/"2"');
		const get = await h.scim("GET", `/Users/${idOf(results[0])}`);
		expect(get.status).toBe(404);
	});

	it("answers each failed operation with its SCIM error and keeps the ones that succeeded", async () => {
		const res = await bulk([
			{ method: "POST", path: "/Users", bulkId: "dup1", data: newUser("bulk.dup") },
			{ method: "POST", path: "/Users", bulkId: "dup2", data: newUser("BULK.DUP") },
			{
				method: "PATCH",
				path: "/Users/00000000-0000-4000-8000-000000000000",
				data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [] },
			},
			{ method: "POST", path: "/Projects", bulkId: "p", data: {} },
		]);
		const results = res.body?.Operations as (Result & { response?: Record<string, unknown> })[];
		expect(results.map((r) => r.status)).toEqual(["201", "409", "404", "400"]);
		expect(results[1]?.response?.scimType).toBe("uniqueness");
		expect(results[3]?.response?.scimType).toBe("invalidPath");
		expect(await userCount("bulk.dup")).toBe(1);
	});

	it("stops after failOnErrors failures and runs nothing after them", async () => {
		const res = await bulk(
			[
				{ method: "POST", path: "/Users", bulkId: "a", data: { schemas: [USER] } },
				{ method: "POST", path: "/Users", bulkId: "b", data: { schemas: [USER], userName: "" } },
				{ method: "POST", path: "/Users", bulkId: "c", data: newUser("bulk.never") },
			],
			{ failOnErrors: 2 },
		);
		expect(res.status).toBe(200);
		const results = res.body?.Operations as Result[];
		expect(results.map((r) => r.status)).toEqual(["400", "400"]);
		expect(await userCount("bulk.never")).toBe(0);
	});

	it("refuses circular and unknown bulkId references with 409 and writes nothing for them", async () => {
		const res = await bulk([
			{
				method: "POST",
				path: "/Groups",
				bulkId: "g1",
				data: { schemas: [GROUP], displayName: "Circle 1", members: [{ value: "bulkId:g2" }] },
			},
			{
				method: "POST",
				path: "/Groups",
				bulkId: "g2",
				data: { schemas: [GROUP], displayName: "Circle 2", members: [{ value: "bulkId:g1" }] },
			},
			{ method: "DELETE", path: "/Users/bulkId:nobody" },
		]);
		const results = res.body?.Operations as (Result & { response?: Record<string, unknown> })[];
		expect(results.map((r) => r.status)).toEqual(["409", "409", "409"]);
		expect(results.every((r) => r.response?.scimType === "invalidValue")).toBe(true);
		const groups = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from groups where display_name like 'Circle%'`,
		);
		expect(groups[0]?.n).toBe(0);
	});

	it("answers 413 when there are more operations than maxOperations, running none", async () => {
		const operations = Array.from({ length: SCIM_LIMITS.bulkMaxOperations + 1 }, (_, i) => ({
			method: "POST",
			path: "/Users",
			bulkId: `many${i}`,
			data: newUser(`bulk.many${i}`),
		}));
		const res = await bulk(operations);
		expect(res.status).toBe(413);
		expect(res.body?.status).toBe("413");
		expect(await userCount("bulk.many")).toBe(0);
	});

	it("answers 413 when the body is larger than maxPayloadSize", async () => {
		const padding = "x".repeat(SCIM_LIMITS.bulkMaxPayloadSize);
		const res = await bulk([
			{ method: "POST", path: "/Users", bulkId: "big", data: { ...newUser("bulk.big"), nickName: padding } },
		]);
		expect(res.status).toBe(413);
		expect(await userCount("bulk.big")).toBe(0);
	});

	it("refuses a body that is not a BulkRequest with 400 invalidSyntax", async () => {
		for (const body of [[], { Operations: [] }, { schemas: [BULK_REQUEST], Operations: {} }]) {
			const res = await h.scim("POST", "/Bulk", body);
			expect(res.status).toBe(400);
			expect(res.body?.scimType).toBe("invalidSyntax");
		}
		const badMethod = await bulk([{ method: "GET", path: "/Users" }]);
		expect(badMethod.status).toBe(400);
	});

	it("records one audit event per successful operation, in that operation's transaction", async () => {
		const res = await bulk([
			{ method: "POST", path: "/Users", bulkId: "audited", data: newUser("bulk.audited") },
			{ method: "POST", path: "/Users", bulkId: "clash", data: newUser("bulk.audited") },
		]);
		const results = res.body?.Operations as Result[];
		const found = await rows<{ action: string }>(
			h.db.db,
			sql`select action from audit_events where entity_name = 'bulk.audited' order by id`,
		);
		expect(results.map((r) => r.status)).toEqual(["201", "409"]);
		expect(found.map((row) => row.action)).toEqual(["SCIM_USER_PROVISIONED"]);
	});
});
