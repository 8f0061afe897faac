import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectionSettingsChange, configureConnection } from "../../src/connections/connections.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

function configure(change: ConnectionSettingsChange, connectionName = "primary") {
	return h.db.db.transaction((tx) =>
		configureConnection(tx, { organization: h.organization, connectionName, change, actor: "test" }),
	);
}

describe("per-connection settings", () => {
	it("answers PATCH with 204 once the connection asks for it, from the very next request", async () => {
		const created = await h.scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "settings.patch",
		});
		const patch = {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "displayName", value: "S" }],
		};
		expect((await h.scim("PATCH", `/Users/${created.body?.id}`, patch)).status).toBe(200);
		await configure({ userPatchResponse: "204" });
		const answer = await h.scim("PATCH", `/Users/${created.body?.id}`, patch);
		expect(answer.status).toBe(204);
		expect(answer.headers.get("etag")).toMatch(/^W\/"\d+"$/);
		await configure({ userPatchResponse: "200" });
	});

	it("throttles at the connection's own rate limit", async () => {
		await configure({ requestsPerSecond: 25 });
		const token = await h.issueToken("default", "primary");
		const client = h.clientFor(token);
		const statuses = await Promise.all(
			Array.from({ length: 40 }, () => client("GET", "/ServiceProviderConfig").then((r) => r.status)),
		);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		await configure({ requestsPerSecond: 200 });
	});

	it("records each change in the audit log with old and new values", async () => {
		await configure({ compatibility: "entra" });
		const [event] = await rows<{ action: string; changes: Record<string, unknown> }>(
			h.db.db,
			sql`select action, changes from audit_events where action = 'SCIM_CONNECTION_UPDATED' order by id desc limit 1`,
		);
		expect(event?.changes).toEqual({ compatibility: { old: "auto", new: "entra" } });
	});

	it.each([
		[{ compatibility: "azure" }, /compatibility/],
		[{ requestsPerSecond: 5 }, /requestsPerSecond/],
		[{ userPatchResponse: "202" }, /userPatchResponse/],
		[{}, /Nothing to change/],
	])("refuses %j and changes nothing", async (change, message) => {
		await expect(configure(change)).rejects.toThrow(message);
	});

	it("refuses an unknown connection", async () => {
		await expect(configure({ compatibility: "okta" }, "nobody")).rejects.toMatchObject({ code: "not_found" });
	});
});
