import { rows } from "@roster/db";
import { INPUT_LIMITS } from "@roster/scim";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, issueAppKey } from "../api/fixtures.ts";
import { GROUP_SCHEMA, patchOf, seedUsers } from "./groups.fixtures.ts";
import { createScimHarness, type ScimHarness, type ScimReply } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIMITS_SCHEMA = "urn:roster:params:scim:schemas:extension:limits:1.0:ServiceProviderConfig";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

function expectScimError(reply: ScimReply, status: number, scimType: string | undefined, detail: RegExp) {
	expect(reply.status, reply.text).toBe(status);
	expect(reply.headers.get("content-type")).toContain("application/scim+json");
	expect(reply.body).toMatchObject({
		schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
		status: String(status),
		...(scimType ? { scimType } : {}),
	});
	expect(String(reply.body?.detail)).toMatch(detail);
}

/** `{"a":[{"a":[…]}]}` nested `levels` deep, as a fuzzer sends it; built as text (JSON.stringify would recurse). */
function deeplyNested(levels: number): string {
	return `${'{"a":['.repeat(levels)}1${"]}".repeat(levels)}`;
}

function user(userName: string, extra: Record<string, unknown> = {}) {
	return { schemas: [USER_SCHEMA], userName, ...extra };
}

function emails(count: number, prefix: string) {
	return Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i}@example.com`, type: "work" }));
}

async function userCount(): Promise<number> {
	const [row] = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from users`);
	return row?.n ?? 0;
}

describe("values per multi-valued attribute", () => {
	it("refuses a user with 20,000 emails with 400 naming the limit, before any database work", async () => {
		const before = await userCount();
		const reply = await h.scim("POST", "/Users", user("many.emails", { emails: emails(20_000, "m") }));
		expectScimError(reply, 400, "invalidValue", /"emails".*at most 100 values/);
		expect(await userCount()).toBe(before);
	});

	it("accepts exactly the limit and collapses exact duplicates", async () => {
		const list = emails(INPUT_LIMITS.maxValues - 1, "ok");
		const created = await h.scim(
			"POST",
			"/Users",
			user("limit.emails", { emails: [...list, { type: "work", value: "ok0@example.com" }] }),
		);
		expect(created.status, created.text).toBe(201);
		expect(created.body?.emails).toHaveLength(INPUT_LIMITS.maxValues - 1);
	});

	it("refuses a PATCH add that would grow emails past the limit", async () => {
		const created = await h.scim("POST", "/Users", user("grow.emails", { emails: emails(60, "g") }));
		expect(created.status).toBe(201);
		const reply = await h.scim(
			"PATCH",
			`/Users/${created.body?.id}`,
			patchOf({ op: "add", path: "emails", value: emails(60, "h") }),
		);
		expectScimError(reply, 400, "invalidValue", /"emails".*at most 100 values/);
	});

	it("allows 1,000 roles but not 1,001", async () => {
		const roles = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `role-${i}` }));
		const ok = await h.scim("POST", "/Users", user("roles.ok", { roles: roles(INPUT_LIMITS.maxRoleValues) }));
		expect(ok.status, ok.text).toBe(201);
		const tooMany = await h.scim("POST", "/Users", user("roles.many", { roles: roles(1_001) }));
		expectScimError(tooMany, 400, "invalidValue", /"roles".*at most 1000 values/);
	});
});

describe("members per request", () => {
	it("refuses a POST /Groups naming more members than one request may carry", async () => {
		const ids = await seedUsers(h, "post-many", INPUT_LIMITS.maxMembersPerRequest + 1);
		const reply = await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "Too big to post",
			members: ids.map((value) => ({ value })),
		});
		expectScimError(reply, 400, "invalidValue", /members.*at most 10000/);
	});

	it("counts members across all operations of one PATCH", async () => {
		const ids = await seedUsers(h, "patch-many", 6_000);
		const group = await h.scim("POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Patched" });
		expect(group.status).toBe(201);
		const half = (from: number) => ids.slice(from, from + 6_000).map((value) => ({ value }));
		const reply = await h.scim(
			"PATCH",
			`/Groups/${group.body?.id}`,
			patchOf(
				{ op: "add", path: "members", value: half(0) },
				{ op: "remove", path: "members", value: half(0) },
			),
		);
		expectScimError(reply, 400, "invalidValue", /members.*at most 10000 members/);
	});

	it("refuses a PATCH with more operations than the limit with 413", async () => {
		const operations = Array.from({ length: INPUT_LIMITS.maxPatchOperations + 1 }, () => ({
			op: "replace",
			path: "title",
			value: "x",
		}));
		const created = await h.scim("POST", "/Users", user("many.ops"));
		const reply = await h.scim("PATCH", `/Users/${created.body?.id}`, patchOf(...operations));
		expectScimError(reply, 413, undefined, /at most 10000 operations/);
	});
});

describe("string length per attribute", () => {
	const huge = "x".repeat(900 * 1024);
	const long = "y".repeat(INPUT_LIMITS.maxIdentifierLength + 1);

	it.each([
		["userName", user(huge)],
		["displayName", user("long.display", { displayName: huge })],
		["externalId", user("long.external", { externalId: long })],
		["emails.value", user("long.email", { emails: [{ value: `${long}@example.com` }] })],
	])("refuses a too long %s on POST /Users with 400 naming it and the limit", async (label, body) => {
		const reply = await h.scim("POST", "/Users", body);
		expectScimError(reply, 400, "invalidValue", new RegExp(`"${label}".*at most 1024 characters`));
	});

	it("refuses a too long userName in PATCH, path-less or by path", async () => {
		const created = await h.scim("POST", "/Users", user("patched.name"));
		const id = created.body?.id;
		const byPath = await h.scim(
			"PATCH",
			`/Users/${id}`,
			patchOf({ op: "replace", path: "userName", value: huge }),
		);
		expectScimError(byPath, 400, "invalidValue", /"userName".*at most 1024 characters/);
		const pathless = await h.scim(
			"PATCH",
			`/Users/${id}`,
			patchOf({ op: "replace", value: { userName: huge } }),
		);
		expectScimError(pathless, 400, "invalidValue", /"userName".*at most 1024 characters/);
	});

	it("bounds every other string too", async () => {
		const reply = await h.scim(
			"POST",
			"/Users",
			user("long.title", { title: "t".repeat(INPUT_LIMITS.maxStringLength + 1) }),
		);
		expectScimError(reply, 400, "invalidValue", /"title".*at most 65536 characters/);
	});

	it("refuses a too long group displayName or externalId", async () => {
		for (const body of [
			{ schemas: [GROUP_SCHEMA], displayName: huge },
			{ schemas: [GROUP_SCHEMA], displayName: "ok", externalId: long },
		]) {
			expectScimError(await h.scim("POST", "/Groups", body), 400, "invalidValue", /at most 1024 characters/);
		}
	});

	it("refuses a too long PATCH path", async () => {
		const created = await h.scim("POST", "/Users", user("long.path"));
		const path = `emails[value eq "${"p".repeat(INPUT_LIMITS.maxPathLength)}"].type`;
		const reply = await h.scim(
			"PATCH",
			`/Users/${created.body?.id}`,
			patchOf({ op: "replace", path, value: "x" }),
		);
		expectScimError(reply, 400, "invalidPath", /longer than 4096 characters/);
	});
});

describe("nesting depth", () => {
	it.each([
		["POST", "/Users", (deep: string) => `{"schemas":["${USER_SCHEMA}"],"userName":"deep","x":${deep}}`],
		["POST", "/Groups", (deep: string) => `{"schemas":["${GROUP_SCHEMA}"],"displayName":"deep","x":${deep}}`],
		[
			"POST",
			"/Bulk",
			(deep: string) =>
				`{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":${deep}}]}`,
		],
		["POST", "/Users/.search", (deep: string) => `{"filter":${deep}}`],
	])(
		"%s %s with JSON nested 5,000 levels deep is 400 invalidSyntax naming the limit",
		async (method, path, wrap) => {
			const reply = await h.scim(method, path, wrap(deeplyNested(5_000)));
			expectScimError(reply, 400, "invalidSyntax", /deeper than 32 levels/);
		},
	);

	it("a PATCH nested deep in a value is refused too", async () => {
		const created = await h.scim("POST", "/Users", user("deep.patch"));
		const body = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":${deeplyNested(5_000)}}]}`;
		const reply = await h.scim("PATCH", `/Users/${created.body?.id}`, body);
		expectScimError(reply, 400, "invalidSyntax", /deeper than 32 levels/);
	});

	it("counts brackets inside strings, escaped quotes included, as text", async () => {
		const displayName = '[[{{ \\" \\\\ "[{'.repeat(20);
		const reply = await h.scim("POST", "/Users", user("brackets", { displayName }));
		expect(reply.status, reply.text).toBe(201);
		expect(reply.body?.displayName).toBe(displayName);
	});

	it("accepts 32 levels (the body itself being the first) and refuses 33", async () => {
		const at32 = `{"schemas":["${USER_SCHEMA}"],"userName":"depth-32","x":[${deeplyNested(15)}]}`;
		expect((await h.scim("POST", "/Users", at32)).status).toBe(201);
		const at33 = `{"schemas":["${USER_SCHEMA}"],"userName":"depth-33","x":${deeplyNested(16)}}`;
		expectScimError(await h.scim("POST", "/Users", at33), 400, "invalidSyntax", /deeper than 32/);
	});

	it("/api/v1 applies the same bound", async () => {
		const api = apiClient(h, await issueAppKey(h, "default"));
		const reply = await api("POST", "/sessions/validate", `{"token":${deeplyNested(1_000)}}`);
		expect(reply.status).toBe(400);
		expect(reply.body).toEqual({
			error: "invalid_request",
			detail: expect.stringMatching(/deeper than 32 levels/),
		});
	});

	it("a filter nested in parentheses deeper than the limit is 400 invalidFilter", async () => {
		const filter = `${"(".repeat(1_000)}userName eq "a"${")".repeat(1_000)}`;
		const reply = await h.scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
		expectScimError(reply, 400, "invalidFilter", /deeper than 32 levels/);
	});
});

describe("list parameters out of range", () => {
	it.each([
		"startIndex=99999999999999999999",
		"startIndex=2147483648&count=10",
		"count=99999999999999999999",
		"count=-99999999999999999999",
		"startIndex=-5",
	])("GET /Users?%s answers 200 with the value clamped", async (query) => {
		const reply = await h.scim("GET", `/Users?${query}`);
		expect(reply.status, reply.text).toBe(200);
		expect(reply.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"] });
	});

	it("startIndex past the end is an empty page with the true total", async () => {
		const reply = await h.scim("GET", "/Users?startIndex=99999999999999999999");
		expect(reply.body?.Resources ?? []).toEqual([]);
		expect(reply.body?.totalResults).toBe(await userCount());
	});

	it("root /.search with a huge startIndex answers 200 with an empty page", async () => {
		const body = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":99999999999999999999}`;
		const reply = await h.scim("POST", "/.search", body);
		expect(reply.status, reply.text).toBe(200);
		expect(reply.body?.Resources ?? []).toEqual([]);
	});

	it("a .search body with a huge startIndex answers 200", async () => {
		const body = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":99999999999999999999,"count":99999999999999999999}`;
		const reply = await h.scim("POST", "/Users/.search", body);
		expect(reply.status, reply.text).toBe(200);
	});

	it.each([
		["not base64", "garbage"],
		["two bad parts", "a.b"],
		["only dots", "..."],
		["5,000 characters", `${"x".repeat(5000)}.y`],
		["a payload with a forged signature", "eyJvIjoiMSJ9.AAAAAAAAAAAAAAAAAAAAAA"],
	])("a cursor of %s is 400 invalidCursor", async (_label, cursor) => {
		const reply = await h.scim("GET", `/Users?cursor=${encodeURIComponent(cursor)}`);
		expectScimError(reply, 400, "invalidCursor", /cursor/);
	});
});

describe("attribute lists", () => {
	it("a too long attributes list is 400 invalidPath, even in a .search body", async () => {
		const attributes = Array.from({ length: 1_000 }, () => "userName").join(",");
		expectScimError(await h.scim("GET", `/Users?attributes=${attributes}`), 400, "invalidPath", /4096/);
		const reply = await h.scim("POST", "/Users/.search", { excludedAttributes: attributes.repeat(100) });
		expectScimError(reply, 400, "invalidPath", /longer than 4096 characters/);
	});

	it("a list naming the same attribute many times is answered as if named once", async () => {
		const attributes = Array.from({ length: 400 }, () => "userName").join(",");
		const reply = await h.scim("GET", `/Users?count=1&attributes=${attributes}`);
		expect(reply.status, reply.text).toBe(200);
		const [first] = (reply.body?.Resources ?? []) as Record<string, unknown>[];
		expect(Object.keys(first ?? {}).sort()).toEqual(["id", "schemas", "userName"]);
	});
});

describe("advertised limits", () => {
	it("ServiceProviderConfig names the bulk limits and, in Roster's extension, every input bound", async () => {
		const reply = await h.scim("GET", "/ServiceProviderConfig");
		expect(reply.body?.schemas).toContain(LIMITS_SCHEMA);
		expect(reply.body?.bulk).toMatchObject({ maxOperations: 100, maxPayloadSize: 4 * 1024 * 1024 });
		expect(reply.body?.[LIMITS_SCHEMA]).toEqual({ maxPayloadSize: 4 * 1024 * 1024, ...INPUT_LIMITS });
	});

	it("a body over maxPayloadSize is 413 naming the limit", async () => {
		const reply = await h.scim("POST", "/Users", user("big", { title: "z".repeat(4 * 1024 * 1024) }));
		expectScimError(reply, 413, undefined, /4194304 bytes/);
	});
});
