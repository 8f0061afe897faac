import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAppKey, revokeAppKeys } from "../../src/connections/app-keys.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { apiClient, issueAppKey, provisionUser, signIn } from "./fixtures.ts";

let h: ScimHarness;
let key: string;
let userId: string;
beforeAll(async () => {
	h = await createScimHarness();
	key = await issueAppKey(h, "default");
	userId = await provisionUser(h.scim, "auth-subject");
});
afterAll(async () => {
	await h.close();
});

describe("/api/v1 authentication", () => {
	it("accepts an application key and stores only its HMAC", async () => {
		expect(key).toMatch(/^rst_app_[A-Za-z0-9_-]{43}$/);
		const res = await apiClient(h, key)("GET", `/users/${userId}/access`);
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const stored = await rows<{ key_hash: string }>(h.db.db, sql`select key_hash from app_keys`);
		expect(JSON.stringify(stored)).not.toContain(key);
	});

	it("refuses a SCIM token, a session token and no credential alike, with 401 JSON", async () => {
		const session = await signIn(h, userId);
		for (const credential of [h.token, session, undefined, "rst_app_unknown"]) {
			const res = await apiClient(h, credential)("GET", `/users/${userId}/access`);
			expect(res.status).toBe(401);
			expect(res.body).toMatchObject({ error: "unauthorized" });
			expect(typeof res.body?.detail).toBe("string");
			expect(res.headers.get("www-authenticate")).toBe('Bearer realm="roster-api"');
		}
	});

	it("refuses a malformed Authorization header with 401, not 500", async () => {
		for (const header of ["Basic abc", "Bearer", `Bearer ${key} extra`, "Bearer \u00e9t\u00e9"]) {
			const res = await h.app.request(`http://roster.test/api/v1/users/${userId}/access`, {
				headers: { Authorization: header },
			});
			expect(res.status).toBe(401);
		}
	});

	it("an application key never works on SCIM", async () => {
		const res = await h.clientFor(key)("GET", "/Users");
		expect(res.status).toBe(401);
		const scoped = await h.clientFor(key, "/organizations/default/scim/v2")("GET", "/Users");
		expect(scoped.status).toBe(401);
	});

	it("a revoked key fails on the very next request", async () => {
		const doomed = await issueAppKey(h, "default", "to-revoke");
		expect((await apiClient(h, doomed)("GET", `/users/${userId}/access`)).status).toBe(200);
		const organization = await requireOrganization(h.db.db, "default");
		expect(await revokeAppKeys(h.db.db, { organization, name: "to-revoke", actor: "test" })).toBe(1);
		expect((await apiClient(h, doomed)("GET", `/users/${userId}/access`)).status).toBe(401);
		expect((await apiClient(h, key)("GET", `/users/${userId}/access`)).status).toBe(200);
	});

	it("records last use at most once a minute per key", async () => {
		const fresh = await issueAppKey(h, "default", "usage");
		const lastUsed = async () => {
			const [row] = await rows<{ last_used_at: unknown }>(
				h.db.db,
				sql`select last_used_at from app_keys where name = 'usage'`,
			);
			return row?.last_used_at === null ? null : new Date(String(row?.last_used_at)).getTime();
		};
		expect(await lastUsed()).toBeNull();
		await apiClient(h, fresh)("GET", `/users/${userId}/access`);
		const first = await lastUsed();
		expect(first).not.toBeNull();
		await apiClient(h, fresh)("GET", `/users/${userId}/access`);
		expect(await lastUsed()).toBe(first);
		expect((await resolveAppKey(h.db.db, fresh, TEST_SECRET))?.key.lastUsedAt?.getTime()).toBe(first);
	});

	it("answers unknown /api/v1 routes with a JSON 404 once authenticated", async () => {
		const res = await apiClient(h, key)("GET", "/nothing-here");
		expect(res.status).toBe(404);
		expect(res.body).toMatchObject({ error: "not_found" });
	});
});
