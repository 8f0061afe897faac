import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

describe("discovery", () => {
	it("ServiceProviderConfig tells what is supported", async () => {
		const res = await h.scim("GET", "/ServiceProviderConfig");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("application/scim+json");
		expect(res.body).toMatchObject({
			patch: { supported: true },
			bulk: { supported: true, maxOperations: 100 },
			filter: { supported: true, maxResults: 1000 },
			sort: { supported: true },
			etag: { supported: true },
			changePassword: { supported: false },
		});
		expect(res.body?.authenticationSchemes).toEqual([expect.objectContaining({ type: "oauthbearertoken" })]);
	});

	it("ResourceTypes and Schemas are ListResponses", async () => {
		const types = await h.scim("GET", "/ResourceTypes");
		expect(types.body).toMatchObject({ totalResults: 2, itemsPerPage: 2, startIndex: 1 });
		const schemas = await h.scim("GET", "/Schemas");
		expect(schemas.body?.totalResults).toBe(3);
		const user = await h.scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
		const attrs = user.body?.attributes as { name: string; caseExact: boolean; uniqueness: string }[];
		expect(attrs.find((a) => a.name === "userName")).toMatchObject({
			caseExact: false,
			uniqueness: "server",
		});
		expect(attrs.find((a) => a.name === "id")).toBeDefined();
		expect((await h.scim("GET", "/ResourceTypes/user")).body?.endpoint).toBe("/Users");
		expect((await h.scim("GET", "/Schemas/urn:nope")).status).toBe(404);
	});
});

describe("authentication", () => {
	it.each([
		["missing", {}],
		["malformed", { Authorization: "Basic abc" }],
		["unknown", { Authorization: "Bearer rst_scim_unknown" }],
	])("%s token → 401 with a SCIM error and WWW-Authenticate", async (_label, headers) => {
		const res = await h.clientFor("")("GET", "/ServiceProviderConfig", undefined, headers);
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
		expect(res.body).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "401",
		});
	});

	it("a token of another organization gets 404 on /organizations/{slug}/scim/v2", async () => {
		const other = await h.issueToken("acme", "okta", "okta");
		const own = await h.clientFor(other, "/organizations/acme/scim/v2")("GET", "/ServiceProviderConfig");
		expect(own.status).toBe(200);
		const foreign = await h.clientFor(other, "/organizations/default/scim/v2")(
			"GET",
			"/ServiceProviderConfig",
		);
		expect(foreign.status).toBe(404);
		expect(foreign.body?.status).toBe("404");
	});

	it("records last use without a write on the request path", async () => {
		await h.scim("GET", "/ResourceTypes");
		await h.runtime.activity.flush();
		const found = await rows<{ last_used_at: Date | null }>(
			h.db.db,
			sql`select last_used_at from scim_tokens where last_used_at is not null`,
		);
		expect(found.length).toBeGreaterThan(0);
	});
});

describe("provisioning log", () => {
	it("records one row per request, failures included", async () => {
		await h.scim("GET", "/Schemas/urn:missing");
		await h.runtime.activity.flush();
		const logged = await rows<{ status: number; path: string }>(
			h.db.db,
			sql`select status, path from provisioning_log where path like '%urn:missing'`,
		);
		expect(logged).toEqual([{ status: 404, path: "/scim/v2/Schemas/urn:missing" }]);
	});

	it("names the IdP quirks a request relied on, and redacts secrets from the logged body", async () => {
		const created = await h.scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "quirky@example.com",
			password: "never-logged",
		});
		const id = String(created.body?.id);
		await h.scim("PATCH", `/Users/${id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		await h.runtime.activity.flush();
		const logged = await rows<{ method: string; quirks: string[]; request_body: unknown }>(
			h.db.db,
			sql`select method, quirks, request_body from provisioning_log where path like ${`%${id}`} or (method = 'POST' and path like '%/Users') order by id`,
		);
		expect(logged.map((row) => [row.method, row.quirks])).toEqual([
			["POST", []],
			["PATCH", ["patch-op-not-lowercase", "string-boolean"]],
		]);
		expect(JSON.stringify(logged[0]?.request_body)).not.toContain("never-logged");
	});
});
