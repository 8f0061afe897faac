import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { apiClient, issueAppKey, provisionUser, signIn } from "./fixtures.ts";

let h: ScimHarness;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
	h = await createScimHarness();
	api = apiClient(h, await issueAppKey(h, "default"));
});
afterAll(async () => {
	await h.close();
});

describe("POST /api/v1/sessions/validate", () => {
	it("says whose a live session is, and { valid: false } once its row is deleted", async () => {
		const userId = await provisionUser(h.scim, "validated");
		const token = await signIn(h, userId, 3600);
		const live = await api("POST", "/sessions/validate", { token });
		expect(live.status).toBe(200);
		expect(live.body).toEqual({
			valid: true,
			user: { id: userId, userName: "validated", active: true, tier: "NONE" },
			expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		const expiresIn = Date.parse(String(live.body?.expiresAt)) - Date.now();
		expect(expiresIn).toBeGreaterThan(3500_000);
		expect(expiresIn).toBeLessThanOrEqual(3600_000);

		await h.db.db.execute(sql`delete from sessions where user_id = ${userId}`);
		const gone = await api("POST", "/sessions/validate", { token });
		expect(gone.status).toBe(200);
		expect(gone.body).toEqual({ valid: false });
	});

	it("is { valid: false } right after the user is deactivated over SCIM", async () => {
		const userId = await provisionUser(h.scim, "validated-leaver");
		const token = await signIn(h, userId);
		expect((await api("POST", "/sessions/validate", { token })).body?.valid).toBe(true);
		await h.scim("PATCH", `/Users/${userId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect((await api("POST", "/sessions/validate", { token })).body).toEqual({ valid: false });
	});

	it("is { valid: false } for another organization's session", async () => {
		const globex = h.clientFor(await h.issueToken("globex", "okta"));
		const token = await signIn(h, await provisionUser(globex, "foreign"));
		expect((await api("POST", "/sessions/validate", { token })).body).toEqual({ valid: false });
		const theirs = apiClient(h, await issueAppKey(h, "globex"));
		expect((await theirs("POST", "/sessions/validate", { token })).body?.valid).toBe(true);
	});

	it.each([
		["a SCIM token", () => h.token],
		["an unknown session token", () => "rst_sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
		["a very long string", () => `rst_sess_${"A".repeat(5000)}`],
		["arbitrary text", () => "\u0000'; drop table sessions; --"],
	])("is { valid: false } for %s", async (_label, token) => {
		const res = await api("POST", "/sessions/validate", { token: token() });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ valid: false });
	});

	it.each([
		["invalid JSON", "{token:", 400, "invalid_request"],
		["a JSON array", "[]", 400, "invalid_request"],
		["JSON null", "null", 400, "invalid_request"],
		["no token", "{}", 400, "invalid_request"],
		["a numeric token", '{"token":42}', 400, "invalid_request"],
		["an empty token", '{"token":""}', 400, "invalid_request"],
		["an oversized body", JSON.stringify({ token: "x".repeat(20_000) }), 413, "payload_too_large"],
	])("answers %s with %i %s JSON", async (_label, body, status, error) => {
		const res = await api("POST", "/sessions/validate", body);
		expect(res.status).toBe(status);
		expect(res.body).toMatchObject({ error });
		expect(typeof res.body?.detail).toBe("string");
	});

	it("answers a non-JSON media type with 415", async () => {
		const res = await api("POST", "/sessions/validate", '{"token":"x"}', { "Content-Type": "text/plain" });
		expect(res.status).toBe(415);
		expect(res.body).toMatchObject({ error: "unsupported_media_type" });
	});
});
