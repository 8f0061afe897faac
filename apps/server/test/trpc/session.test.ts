import { sessions } from "@roster/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { hashSecret } from "../../src/security/tokens.ts";
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
	options: { base?: string; cookie?: string; headers?: Record<string, string>; app?: typeof h.app } = {},
): Promise<RawReply> {
	const base = options.base ?? CONSOLE_ORIGIN;
	const response = await (options.app ?? h.app).request(`${base}/trpc/${path}`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			origin: base,
			"x-roster-csrf": "1",
			...(options.cookie ? { cookie: options.cookie } : {}),
			...options.headers,
		},
		body: input === undefined ? undefined : JSON.stringify(input),
	});
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
