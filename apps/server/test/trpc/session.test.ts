import { auditEvents, sessions, users } from "@roster/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { hashSecret } from "../../src/security/tokens.ts";
import {
	CONSOLE_IDLE_TIMEOUT_SECONDS,
	DEFAULT_SESSION_TTL_SECONDS,
	resolveSession,
	touchSession,
} from "../../src/sessions/sessions.ts";
import { ACCOUNT_FAILURE_LIMIT, signIn as signInDirect } from "../../src/sessions/sign-in.ts";
import { IP_FAILURE_LIMIT } from "../../src/sessions/sign-in-throttle.ts";
import { unlockAdmin } from "../../src/users/admins.ts";
import { TEST_SECRET, testConfig } from "../helpers.ts";
import { CONSOLE_ORIGIN, type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let admin: ConsoleUser;
beforeAll(async () => {
	h = await createConsoleHarness();
	admin = await h.adminOf("default", "Signer@Default.example");
});
afterAll(async () => {
	await h.close();
});

interface RawReply {
	status: number;
	cookie: string | null;
	body: { result?: { data: unknown }; error?: { message: string; data: Record<string, unknown> } };
}

/** A non-batched tRPC mutation over `app.request`, so the Set-Cookie header can be inspected. */
async function mutate(
	path: string,
	input: unknown,
	options: {
		base?: string;
		cookie?: string;
		headers?: Record<string, string>;
		/** The TCP peer address the request comes from (none: in-process, not throttled). */
		ip?: string;
	} = {},
): Promise<RawReply> {
	const base = options.base ?? CONSOLE_ORIGIN;
	const socket = options.ip
		? { incoming: { socket: { remoteAddress: options.ip, remotePort: 40000 } } }
		: undefined;
	const response = await h.app.request(
		`${base}/trpc/${path}`,
		{
			method: "POST",
			headers: {
				"content-type": "application/json",
				origin: base,
				"x-roster-csrf": "1",
				...(options.cookie ? { cookie: options.cookie } : {}),
				...options.headers,
			},
			body: input === undefined ? undefined : JSON.stringify(input),
		},
		socket,
	);
	return {
		status: response.status,
		cookie: response.headers.get("set-cookie"),
		body: (await response.json()) as RawReply["body"],
	};
}

const signIn = (email: string, password: string, options?: Parameters<typeof mutate>[2]) =>
	mutate("session.signIn", { email, password }, options);

/** The `roster_session` value a Set-Cookie header carries. */
function tokenOf(setCookie: string | null): string {
	const token = /roster_session=([^;]*)/.exec(setCookie ?? "")?.[1];
	if (!token) throw new Error(`no session cookie in ${setCookie}`);
	return token;
}

/** The client address a session row recorded. */
async function sessionIp(token: string): Promise<string | null | undefined> {
	const [row] = await h.db.db
		.select({ ip: sessions.ip })
		.from(sessions)
		.where(eq(sessions.tokenHash, hashSecret(token, TEST_SECRET)));
	return row?.ip;
}

describe("session.signIn", () => {
	it("signs in with the right password, whatever the email's case, and sets a strict HttpOnly cookie", async () => {
		const reply = await signIn("signer@default.EXAMPLE", admin.password);
		expect(reply.status).toBe(200);
		expect(reply.body.result?.data).toMatchObject({ userName: "Signer@Default.example", tier: "ADMIN" });
		const cookie = reply.cookie ?? "";
		expect(cookie).toMatch(/^roster_session=rst_sess_[^;]+;/);
		expect(cookie).toMatch(/; HttpOnly/);
		expect(cookie).toMatch(/; SameSite=Strict/);
		expect(cookie).toMatch(/; Path=\//);
		expect(cookie).not.toMatch(/; Secure/);
		expect(JSON.stringify(reply.body)).not.toContain(tokenOf(cookie));
		const me = await h.trpcFor(tokenOf(cookie)).session.me.query();
		expect(me).toMatchObject({ userId: admin.userId, tier: "ADMIN" });
	});

	it("marks the cookie Secure when the request came over https", async () => {
		const reply = await signIn(admin.email, admin.password, { base: "https://roster.test" });
		expect(reply.status).toBe(200);
		expect(reply.cookie).toMatch(/; Secure/);
	});

	it("believes X-Forwarded-Proto only from a trusted proxy", async () => {
		const app = createApp({
			db: h.db,
			config: testConfig({ trustedProxies: [{ address: "10.0.0.0", prefix: 8, family: "ipv4" }] }),
			logger: createLogger({ level: "silent" }),
		});
		const viaProxy = (remoteAddress: string, origin: string) =>
			app.request(
				`${CONSOLE_ORIGIN}/trpc/session.signIn`,
				{
					method: "POST",
					headers: {
						"content-type": "application/json",
						origin,
						"x-roster-csrf": "1",
						"x-forwarded-proto": "https",
						"x-forwarded-for": "203.0.113.9",
					},
					body: JSON.stringify({ email: admin.email, password: admin.password }),
				},
				{ incoming: { socket: { remoteAddress, remotePort: 40000, remoteFamily: "IPv4" } } },
			);
		const trusted = await viaProxy("10.1.2.3", "https://roster.test");
		expect(trusted.status).toBe(200);
		expect(trusted.headers.get("set-cookie")).toMatch(/; Secure/);
		expect(await sessionIp(tokenOf(trusted.headers.get("set-cookie")))).toBe("203.0.113.9");
		const untrusted = await viaProxy("198.51.100.7", CONSOLE_ORIGIN);
		expect(untrusted.status).toBe(200);
		expect(untrusted.headers.get("set-cookie")).not.toMatch(/; Secure/);
		expect(await sessionIp(tokenOf(untrusted.headers.get("set-cookie")))).toBe("198.51.100.7");
	});

	it("answers a wrong password, an unknown email and a SCIM user alike, with no cookie", async () => {
		const scim = await h.scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "scim.person@default.example",
			active: true,
		});
		expect(scim.status).toBe(201);
		const answers = await Promise.all([
			signIn(admin.email, "not the password at all"),
			signIn("nobody@default.example", admin.password),
			signIn("scim.person@default.example", admin.password),
		]);
		for (const reply of answers) {
			expect(reply.status).toBe(401);
			expect(reply.cookie).toBeNull();
			expect(reply.body.error?.message).toBe("Wrong email or password");
			expect(reply.body.error?.data.code).toBe("UNAUTHORIZED");
			expect(JSON.stringify(reply.body)).not.toMatch(/stack|at .*\.ts/);
		}
	});

	it("refuses an empty email or password with field errors", async () => {
		const reply = await signIn("", "");
		expect(reply.status).toBe(400);
		expect(reply.body.error?.data.fieldErrors).toMatchObject({
			email: [expect.any(String)],
			password: [expect.any(String)],
		});
	});
});

describe("session.signOut", () => {
	it("deletes the session row and clears the cookie", async () => {
		const token = tokenOf((await signIn(admin.email, admin.password)).cookie);
		const reply = await mutate("session.signOut", undefined, { cookie: `roster_session=${token}` });
		expect(reply.status).toBe(200);
		expect(reply.cookie).toMatch(/^roster_session=; Max-Age=0;/);
		expect(reply.cookie).toMatch(/; HttpOnly/);
		await expect(h.trpcFor(token).session.me.query()).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
	});

	it("needs a session", async () => {
		await expect(h.trpcFor().session.signOut.mutate()).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
	});
});

/** The audit actions recorded about one user, oldest first. */
async function auditActions(userId: string): Promise<string[]> {
	const events = await h.db.db
		.select({ action: auditEvents.action })
		.from(auditEvents)
		.where(and(eq(auditEvents.entityType, "User"), eq(auditEvents.entityId, userId)))
		.orderBy(auditEvents.id);
	return events.map((event) => event.action);
}

const LOCKED =
	/^This account is locked after too many failed sign-ins; try again after \d\d:\d\d UTC or ask an operator to run `roster admin unlock`$/;

describe("account lockout", () => {
	it("locks after 10 wrong passwords in a row, refuses the right one too, and an operator unlock lifts it", async () => {
		const victim = await h.adminOf("default", "victim@default.example");
		for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++) {
			expect((await signIn(victim.email, `wrong ${i}`)).body.error?.message).toBe("Wrong email or password");
		}
		const tenth = await signIn(victim.email, "wrong 10");
		expect(tenth.status).toBe(401);
		expect(tenth.body.error?.message).toMatch(LOCKED);

		const right = await signIn(victim.email, victim.password);
		expect(right.status).toBe(401);
		expect(right.cookie).toBeNull();
		expect(right.body.error?.message).toMatch(LOCKED);
		const [row] = await h.db.db
			.select({ until: users.signInLockedUntil })
			.from(users)
			.where(eq(users.id, victim.userId));
		expect(row?.until?.getTime()).toBeGreaterThanOrEqual(Date.now() + 14 * 60_000);
		expect(tenth.body.error?.message).toContain(row?.until?.toISOString().slice(11, 16));
		expect(tenth.body.error?.data.refusal).toEqual({ reason: "locked", retryAt: row?.until?.toISOString() });

		await h.db.db.transaction((tx) =>
			unlockAdmin(tx, {
				organization: victim.organization,
				email: victim.email,
				actor: { type: "system", name: "cli" },
			}),
		);
		expect((await signIn(victim.email, victim.password)).status).toBe(200);
		expect(await auditActions(victim.userId)).toEqual([
			...Array(ACCOUNT_FAILURE_LIMIT).fill("CONSOLE_SIGN_IN_FAILED"),
			"CONSOLE_ACCOUNT_LOCKED",
			"CONSOLE_SIGN_IN_FAILED",
			"CONSOLE_ACCOUNT_UNLOCKED",
			"CONSOLE_SIGNED_IN",
		]);
		const metadata = await h.db.db.select({ metadata: auditEvents.metadata }).from(auditEvents);
		expect(JSON.stringify(metadata)).not.toContain(victim.password);
	}, 60_000);

	it("counts wrong passwords in a row only: a successful sign-in starts the count again", async () => {
		const user = await h.adminOf("default", "forgetful@default.example");
		for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++) await signIn(user.email, "almost");
		expect((await signIn(user.email, user.password)).status).toBe(200);
		for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++) await signIn(user.email, "almost");
		expect((await signIn(user.email, user.password)).status).toBe(200);
	}, 60_000);

	it("ends the lockout by itself after 15 minutes", async () => {
		const user = await h.adminOf("default", "patient@default.example");
		const t0 = new Date();
		const attempt = (password: string, minutes: number) =>
			signInDirect(h.db.db, {
				email: user.email,
				password,
				secret: TEST_SECRET,
				now: new Date(t0.getTime() + minutes * 60_000),
			});
		for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) await attempt("wrong", 0);
		expect(await attempt(user.password, 14)).toMatchObject({ ok: false, reason: "locked" });
		expect(await attempt(user.password, 15.1)).toMatchObject({ ok: true });
	}, 60_000);
});

describe("throttling per client address", () => {
	it("throttles an address after many failures across accounts, while other addresses still sign in", async () => {
		const ip = "192.0.2.50";
		for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
			const reply = await signIn(`sprayed${i}@default.example`, "Winter2026!", { ip });
			expect(reply.status).toBe(401);
		}
		const throttled = await signIn(admin.email, admin.password, { ip });
		expect(throttled.status).toBe(429);
		expect(throttled.body.error?.data.code).toBe("TOO_MANY_REQUESTS");
		expect(throttled.body.error?.message).toBe(
			"Too many failed sign-ins from your network; try again in 15 minutes",
		);
		expect(throttled.cookie).toBeNull();
		expect(throttled.body.error?.data.refusal).toMatchObject({
			reason: "throttled",
			retryAt: expect.any(String),
		});
		expect((await signIn(admin.email, admin.password, { ip: "192.0.2.51" })).status).toBe(200);
	}, 120_000);
});

describe("session expiry", () => {
	it("ends a console session idle for 30 minutes, and each use (recorded to the minute) pushes that back", async () => {
		const t0 = new Date();
		const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
		const signedIn = await signInDirect(h.db.db, {
			email: admin.email,
			password: admin.password,
			secret: TEST_SECRET,
			now: t0,
		});
		if (!signedIn.ok) throw new Error("sign-in failed");
		const policy = { idleTimeoutSeconds: CONSOLE_IDLE_TIMEOUT_SECONDS };
		const resolve = (minutes: number) =>
			resolveSession(h.db.db, signedIn.token, TEST_SECRET, at(minutes), policy);
		expect(await resolve(29)).not.toBeNull();
		expect(await resolve(30)).toBeNull();

		const seen = await resolve(20);
		if (!seen) throw new Error("session not live");
		expect(await touchSession(h.db.db, seen.session, at(20))).toEqual(at(20));
		expect(await touchSession(h.db.db, { ...seen.session, lastSeenAt: at(20) }, at(20.5))).toEqual(at(20));
		expect(await resolve(49)).not.toBeNull();
		expect(await resolve(50)).toBeNull();
		// The absolute lifetime holds however busy the session is; host applications see no idle timeout.
		expect(await resolveSession(h.db.db, signedIn.token, TEST_SECRET, at(45))).not.toBeNull();
		expect(signedIn.session.expiresAt).toEqual(new Date(t0.getTime() + DEFAULT_SESSION_TTL_SECONDS * 1000));
	});

	it("ends a session at its absolute end however recently it was used", async () => {
		const t0 = new Date();
		const signedIn = await signInDirect(h.db.db, {
			email: admin.email,
			password: admin.password,
			secret: TEST_SECRET,
			now: t0,
		});
		if (!signedIn.ok) throw new Error("sign-in failed");
		const end = signedIn.session.expiresAt.getTime();
		const policy = { idleTimeoutSeconds: CONSOLE_IDLE_TIMEOUT_SECONDS };
		await touchSession(h.db.db, { id: signedIn.session.id, lastSeenAt: t0 }, new Date(end - 60_000));
		expect(
			await resolveSession(h.db.db, signedIn.token, TEST_SECRET, new Date(end - 1000), policy),
		).not.toBeNull();
		expect(await resolveSession(h.db.db, signedIn.token, TEST_SECRET, new Date(end), policy)).toBeNull();
	});

	it("refuses over tRPC a session idle for longer than the timeout, and records use at most once a minute", async () => {
		const token = tokenOf((await signIn(admin.email, admin.password)).cookie);
		const client = h.trpcFor(token);
		const lastSeen = async () =>
			(
				await h.db.db
					.select({ at: sessions.lastSeenAt })
					.from(sessions)
					.where(eq(sessions.tokenHash, hashSecret(token, TEST_SECRET)))
			)[0]?.at;
		const first = await lastSeen();
		const me = await client.session.me.query();
		expect(await lastSeen()).toEqual(first);
		expect(Date.parse(me.idleExpiresAt)).toBe((first?.getTime() ?? 0) + CONSOLE_IDLE_TIMEOUT_SECONDS * 1000);

		const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
		await h.db.db
			.update(sessions)
			.set({ lastSeenAt: twoMinutesAgo })
			.where(eq(sessions.tokenHash, hashSecret(token, TEST_SECRET)));
		await client.session.me.query();
		expect((await lastSeen())?.getTime()).toBeGreaterThan(twoMinutesAgo.getTime());

		const idle = new Date(Date.now() - (CONSOLE_IDLE_TIMEOUT_SECONDS + 1) * 1000);
		await h.db.db
			.update(sessions)
			.set({ lastSeenAt: idle })
			.where(eq(sessions.tokenHash, hashSecret(token, TEST_SECRET)));
		await expect(client.session.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
	});

	it.each([
		["deprovisioned", { isActive: false }],
		["deleted", { isDeleted: true }],
	])("refuses the session of a %s user on the next request", async (_label, change) => {
		const user = await h.adminOf("default");
		await expect(user.client.session.me.query()).resolves.toMatchObject({ userId: user.userId });
		await h.db.db.update(users).set(change).where(eq(users.id, user.userId));
		const refused = mutate("session.signOut", undefined, { cookie: `roster_session=${user.token}` });
		await expect(refused).resolves.toMatchObject({ status: 401 });
		expect(JSON.stringify((await refused).body)).not.toMatch(/\bat\s.+:\d+/);
		await expect(user.client.session.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
		expect((await signIn(user.email, user.password)).body.error?.message).toBe("Wrong email or password");
	});
});
