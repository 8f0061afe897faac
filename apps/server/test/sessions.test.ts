import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationError } from "../src/operation-error.ts";
import { hashSecret } from "../src/security/tokens.ts";
import { createSession, resolveSession, revokeSession } from "../src/sessions/sessions.ts";
import { provisionUser, sessionMe, signIn } from "./api/fixtures.ts";
import { TEST_SECRET } from "./helpers.ts";
import { createScimHarness, type ScimHarness } from "./scim/harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

async function sessionCount(userId: string): Promise<number> {
	const [row] = await rows<{ n: number | string }>(
		h.db.db,
		sql`select count(*) as n from sessions where user_id = ${userId}`,
	);
	return Number(row?.n);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The session cookie as the console sends it: with its CSRF header (see trpc/authorization.test.ts). */
const cookie = (token: string) => ({ Cookie: `roster_session=${token}`, "x-roster-csrf": "1" });

describe("session service", () => {
	it("stores only the HMAC of an rst_sess_ token and resolves it to its user", async () => {
		const userId = await provisionUser(h.scim, "sess-store");
		const { token, session } = await createSession(h.db.db, {
			userId,
			secret: TEST_SECRET,
			ttlSeconds: 600,
			ip: "203.0.113.9",
			userAgent: "vitest",
		});
		expect(token).toMatch(/^rst_sess_[A-Za-z0-9_-]{43}$/);
		const stored = await rows<{ token_hash: string; ip: string }>(
			h.db.db,
			sql`select token_hash, ip from sessions where id = ${session.id}`,
		);
		expect(stored).toEqual([{ token_hash: hashSecret(token, TEST_SECRET), ip: "203.0.113.9" }]);
		expect(JSON.stringify(stored)).not.toContain(token);
		const resolved = await resolveSession(h.db.db, token, TEST_SECRET);
		expect(resolved?.user).toMatchObject({ id: userId, userName: "sess-store", active: true });
		expect(resolved?.session.expiresAt.getTime()).toBe(session.expiresAt.getTime());
	});

	it("resolves nothing for unknown, foreign-prefixed, tampered or expired tokens", async () => {
		const userId = await provisionUser(h.scim, "sess-expiry");
		const { token } = await createSession(h.db.db, { userId, secret: TEST_SECRET, ttlSeconds: 60 });
		const later = new Date(Date.now() + 61_000);
		expect(await resolveSession(h.db.db, token, TEST_SECRET, later)).toBeNull();
		const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
		expect(await resolveSession(h.db.db, tampered, TEST_SECRET)).toBeNull();
		expect(await resolveSession(h.db.db, token.replace("rst_sess_", "rst_scim_"), TEST_SECRET)).toBeNull();
		expect(await resolveSession(h.db.db, token, "another-secret-that-is-32-bytes-long!!")).toBeNull();
		expect(await resolveSession(h.db.db, token, TEST_SECRET)).not.toBeNull();
	});

	it("revokes a session by its token", async () => {
		const userId = await provisionUser(h.scim, "sess-revoke");
		const token = await signIn(h, userId);
		expect(await revokeSession(h.db.db, token, TEST_SECRET)).toBe(true);
		expect(await resolveSession(h.db.db, token, TEST_SECRET)).toBeNull();
		expect(await revokeSession(h.db.db, token, TEST_SECRET)).toBe(false);
	});

	it("refuses to sign in unknown, malformed or inactive users", async () => {
		const userId = await provisionUser(h.scim, "sess-inactive");
		await h.scim("PATCH", `/Users/${userId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		for (const id of [userId, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
			await expect(createSession(h.db.db, { userId: id, secret: TEST_SECRET })).rejects.toBeInstanceOf(
				OperationError,
			);
		}
		expect(await sessionCount(userId)).toBe(0);
	});
});

describe("session.me over tRPC", () => {
	it("answers who is signed in, by bearer token or by the roster_session cookie", async () => {
		const userId = await provisionUser(h.scim, "me-both");
		const token = await signIn(h, userId);
		for (const headers of [bearer(token), cookie(token)]) {
			const res = await sessionMe(h, headers);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ result: { data: { userId, userName: "me-both", tier: "NONE" } } });
		}
	});

	it("reads the cookie when the Authorization header belongs to something else (a proxy's Basic auth)", async () => {
		const userId = await provisionUser(h.scim, "me-behind-proxy");
		const token = await signIn(h, userId);
		const res = await sessionMe(h, {
			Authorization: "Basic dXNlcjpwYXNz",
			...cookie(token),
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ result: { data: { userId } } });
	});

	it.each([
		["no credential", {}],
		["an unknown session token", bearer("rst_sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")],
		["a malformed Authorization header", { Authorization: "Basic dXNlcjpwYXNz" }],
	])("is UNAUTHORIZED (401) with %s", async (_label, headers) => {
		const res = await sessionMe(h, headers);
		expect(res.status).toBe(401);
		expect(res.body).toMatchObject({ error: { data: { code: "UNAUTHORIZED" } } });
	});

	it("refuses a SCIM token presented as a session", async () => {
		const res = await sessionMe(h, bearer(h.token));
		expect(res.status).toBe(401);
	});

	it("fails on the very next request once the session row is deleted", async () => {
		const userId = await provisionUser(h.scim, "me-deleted-row");
		const token = await signIn(h, userId);
		expect((await sessionMe(h, bearer(token))).status).toBe(200);
		await h.db.db.execute(sql`delete from sessions where user_id = ${userId}`);
		expect((await sessionMe(h, bearer(token))).status).toBe(401);
	});
});

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

describe("deprovisioning over SCIM ends sessions at once", () => {
	it.each([
		[
			"Okta PATCH {active:false}",
			(id: string) =>
				h.scim("PATCH", `/Users/${id}`, {
					schemas: [PATCH_OP],
					Operations: [{ op: "replace", value: { active: false } }],
				}),
		],
		[
			'Entra PATCH Replace active "False"',
			(id: string) =>
				h.scim("PATCH", `/Users/${id}`, {
					schemas: [PATCH_OP],
					Operations: [{ op: "Replace", path: "active", value: "False" }],
				}),
		],
		[
			"PUT active:false",
			(id: string, userName: string) =>
				h.scim("PUT", `/Users/${id}`, { schemas: [CORE_USER], userName, active: false }),
		],
		["DELETE", (id: string) => h.scim("DELETE", `/Users/${id}`)],
	])(
		"%s deletes the user's sessions and session.me is 401 on the next request",
		async (label, deprovision) => {
			const userName = `gone-${label.replace(/\W+/g, "-").toLowerCase()}`;
			const userId = await provisionUser(h.scim, userName);
			const first = await signIn(h, userId);
			const second = await signIn(h, userId);
			expect((await sessionMe(h, bearer(first))).status).toBe(200);
			expect(await sessionCount(userId)).toBe(2);

			const res = await deprovision(userId, userName);
			expect(res.status).toBeLessThan(300);

			expect(await sessionCount(userId)).toBe(0);
			expect((await sessionMe(h, bearer(first))).status).toBe(401);
			expect((await sessionMe(h, cookie(second))).status).toBe(401);
		},
	);

	it("a reactivated user needs a new session: the old one stays gone", async () => {
		const userId = await provisionUser(h.scim, "comeback");
		const old = await signIn(h, userId);
		const toggle = (active: boolean) =>
			h.scim("PATCH", `/Users/${userId}`, {
				schemas: [PATCH_OP],
				Operations: [{ op: "replace", path: "active", value: active }],
			});
		expect((await toggle(false)).status).toBe(200);
		expect((await toggle(true)).status).toBe(200);
		expect((await sessionMe(h, bearer(old))).status).toBe(401);
		const fresh = await signIn(h, userId);
		expect((await sessionMe(h, bearer(fresh))).status).toBe(200);
	});
});
