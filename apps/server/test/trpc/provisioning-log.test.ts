import { explainProvisioningError } from "@roster/domain/inputs/provisioning-errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provision } from "../audit/fixtures.ts";
import type { ScimClient } from "../scim/harness.ts";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h?.close();
});

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** An organization of its own with an administrator and an Entra connection. */
async function tenant(slug: string): Promise<{ admin: ConsoleUser; scim: ScimClient }> {
	const token = await h.issueToken(slug, "entra", "entra");
	return { admin: await h.adminOf(slug), scim: h.clientFor(token) };
}

/**
 * The log is written in batches off the request path; tests flush it before reading. Twice: a flush the
 * timer started before the last request shares its write, which does not hold that request's row.
 */
async function flushed(): Promise<void> {
	await h.runtime.activity.flush();
	await h.runtime.activity.flush();
}

describe(`provisioningLog.list (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("lists each SCIM request newest first with its connection, status, latency, scimType and quirks, without bodies", async () => {
		const { admin, scim } = await tenant("plog-list");
		const [id] = await provision(scim, ["ada@plog.example"]);
		expect((await scim("POST", "/Users", { schemas: [USER], userName: "ADA@plog.example" })).status).toBe(
			409,
		);
		const patched = await scim("PATCH", `/Users/${id}`, {
			schemas: [PATCH],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect(patched.status).toBe(200);
		await flushed();

		const page = await admin.client.provisioningLog.list.query({});
		expect(page.rows.map((row) => [row.method, row.path, row.status, row.scimType])).toEqual([
			["PATCH", `/scim/v2/Users/${id}`, 200, null],
			["POST", "/scim/v2/Users", 409, "uniqueness"],
			["POST", "/scim/v2/Users", 201, null],
		]);
		expect(page.rows[0]).toMatchObject({
			connection: { name: "entra" },
			durationMs: expect.any(Number),
			requestId: expect.any(String),
			occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
		});
		expect(page.rows[0]?.quirks.length).toBeGreaterThan(0);
		expect(page.rows[0]).not.toHaveProperty("requestBody");
		expect(page.rows[0]).not.toHaveProperty("responseBody");
	});

	it("filters by status class or exact status, connection, user (id or userName) and time", async () => {
		const { admin, scim } = await tenant("plog-filters");
		const [ada, bob] = await provision(scim, ["ada@filters.example", "bob@filters.example"]);
		expect((await scim("GET", `/Users/${ada}`)).status).toBe(200);
		expect((await scim("GET", "/Users/00000000-0000-4000-8000-000000000000")).status).toBe(404);
		const okta = h.clientFor(await h.issueToken("plog-filters", "okta", "okta"));
		expect((await okta("GET", `/Users/${bob}`)).status).toBe(200);
		await flushed();
		const list = (filter: Parameters<typeof admin.client.provisioningLog.list.query>[0]) =>
			admin.client.provisioningLog.list
				.query(filter)
				.then((page) =>
					page.rows.map((row) => `${row.method} ${row.path.replace("/scim/v2", "")} ${row.status}`),
				);

		expect(await list({ status: "4xx" })).toEqual(["GET /Users/00000000-0000-4000-8000-000000000000 404"]);
		expect(await list({ status: 404 })).toEqual(["GET /Users/00000000-0000-4000-8000-000000000000 404"]);
		expect(await list({ status: "5xx" })).toEqual([]);
		expect(await list({ status: 201 })).toHaveLength(2);
		expect(await list({ user: String(ada) })).toEqual([`GET /Users/${ada} 200`]);
		expect(await list({ user: "BOB@filters.example" })).toEqual([`GET /Users/${bob} 200`]);
		expect(await list({ user: "nobody@filters.example" })).toEqual([]);
		const [oktaRow] = (await admin.client.provisioningLog.list.query({ limit: 1 })).rows;
		expect(oktaRow?.connection?.name).toBe("okta");
		expect(await list({ connectionId: String(oktaRow?.connection?.id) })).toEqual([`GET /Users/${bob} 200`]);
		expect(await list({ from: "2999-01-01T00:00:00Z" })).toEqual([]);
		expect(await list({ to: "2000-01-01T00:00:00Z" })).toEqual([]);
		expect(await list({ from: "2000-01-01T00:00:00Z" })).toHaveLength(5);
	});

	it("pages with a keyset cursor, every request once", async () => {
		const { admin, scim } = await tenant("plog-paging");
		await provision(
			scim,
			["a", "b", "c", "d", "e"].map((name) => `${name}@paging.example`),
		);
		await flushed();
		const all = await admin.client.provisioningLog.list.query({ limit: 200 });
		expect(all.rows).toHaveLength(5);
		const seen: string[] = [];
		let cursor: string | undefined;
		do {
			const page = await admin.client.provisioningLog.list.query({ limit: 2, cursor });
			seen.push(...page.rows.map((row) => row.id));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toEqual(all.rows.map((row) => row.id));
	});

	it("refuses oversized pages, unknown status classes and malformed cursors", async () => {
		const list = h.admin.client.provisioningLog.list;
		await expect(list.query({ limit: 500 })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { limit: expect.any(Array) } },
		});
		await expect(list.query({ status: "6xx" as "5xx" })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
		await expect(list.query({ cursor: "x~1" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
		await expect(h.admin.client.provisioningLog.get.query({ id: "abc" })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
	});

	it("refuses signed-out callers and non-administrators", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.provisioningLog.list.query({})).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
		await expect(h.trpcFor().provisioningLog.get.query({ id: "1" })).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
	});
});

describe("provisioningLog.get", () => {
	it("returns the redacted bodies and, for an error, what it means and the likely fix", async () => {
		const { admin, scim } = await tenant("plog-get");
		await scim("POST", "/Users", {
			schemas: [USER],
			userName: "eve@get.example",
			password: "hunter2-is-secret",
		});
		await scim("POST", "/Users", {
			schemas: [USER],
			userName: "eve@get.example",
			password: "hunter2-is-secret",
		});
		await flushed();
		const [conflict, created] = (await admin.client.provisioningLog.list.query({})).rows;
		const detail = await admin.client.provisioningLog.get.query({ id: String(conflict?.id) });
		expect(detail).toMatchObject({
			status: 409,
			scimType: "uniqueness",
			requestBody: { userName: "eve@get.example", password: "[redacted]" },
			responseBody: { status: "409", scimType: "uniqueness" },
			explanation: explainProvisioningError(409, "uniqueness"),
		});
		expect(detail.explanation?.title).toBe("Duplicate user or group");
		const ok = await admin.client.provisioningLog.get.query({ id: String(created?.id) });
		expect(ok).toMatchObject({
			status: 201,
			explanation: null,
			responseBody: { userName: "eve@get.example" },
		});
		expect(JSON.stringify([detail, ok])).not.toContain("hunter2");
	});

	it("answers another organization's row exactly like an unknown one", async () => {
		const a = await tenant("plog-iso-a");
		await provision(a.scim, ["private@iso-a.example"]);
		await flushed();
		const [row] = (await a.admin.client.provisioningLog.list.query({})).rows;
		const b = await h.adminOf("plog-iso-b");
		const theirs = await b.client.provisioningLog.get
			.query({ id: String(row?.id) })
			.catch((error: unknown) => error);
		const unknown = await b.client.provisioningLog.get
			.query({ id: "999999999" })
			.catch((error: unknown) => error);
		expect(theirs).toMatchObject({
			message: "No such request in the provisioning log",
			data: { code: "NOT_FOUND" },
		});
		expect((theirs as Error).message).toBe((unknown as Error).message);
		expect((await b.client.provisioningLog.list.query({ limit: 200 })).rows).toEqual([]);
		expect(
			(await b.client.provisioningLog.list.query({ connectionId: String(row?.connection?.id) })).rows,
		).toEqual([]);
	});
});

describe("explainProvisioningError", () => {
	it.each([
		[400, "invalidFilter", "Filter not understood"],
		[400, "invalidSyntax", "Malformed body"],
		[400, "invalidValue", "Invalid or missing value"],
		[400, "invalidPath", "PATCH path not understood"],
		[400, "noTarget", "PATCH target not found"],
		[400, "mutability", "Read-only attribute"],
		[400, "tooMany", "Too many results"],
		[400, null, "Bad request"],
		[400, "somethingNew", "Bad request"],
		[401, null, "Not authenticated"],
		[403, null, "Not allowed"],
		[404, null, "Not found"],
		[409, "uniqueness", "Duplicate user or group"],
		[409, null, "Conflict"],
		[412, null, "Changed since read"],
		[413, null, "Request too large"],
		[429, null, "Rate limited"],
		[500, null, "Roster error"],
		[503, null, "Temporarily unavailable"],
		[502, null, "Server error 502"],
		[418, null, "Refused with 418"],
	])("explains %i %s as %s", (status, scimType, title) => {
		const explanation = explainProvisioningError(status, scimType);
		expect(explanation?.title).toBe(title);
		expect(explanation?.meaning.length).toBeGreaterThan(20);
		expect(explanation?.fix.length).toBeGreaterThan(20);
	});

	it("has nothing to explain for a success", () => {
		expect(explainProvisioningError(200, null)).toBeUndefined();
		expect(explainProvisioningError(204, undefined)).toBeUndefined();
	});
});
