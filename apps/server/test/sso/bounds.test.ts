import { sessions } from "@roster/db";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { IP_FAILURE_LIMIT } from "../../src/sessions/sign-in-throttle.ts";
import { createDiscoveryCache } from "../../src/sso/discovery.ts";
import { PENDING_LOGIN_TTL_MS } from "../../src/sso/pending-login.ts";
import { finishSsoSignIn } from "../../src/sso/sign-in.ts";
import { TEST_SECRET } from "../helpers.ts";
import type { ConsoleUser } from "../trpc/harness.ts";
import { Browser, createSsoHarness, person, ROSTER, refusalOf, type SsoHarness } from "./harness.ts";

let h: SsoHarness;
let admin: ConsoleUser;
let scimToken: string;
let ameliaId: string;

beforeAll(async () => {
	h = await createSsoHarness();
	admin = await h.adminOf("acme");
	const idp = await h.startProvider("acme", [person("amelia@acme.example")]);
	await h.configure(admin, idp);
	scimToken = await h.issueToken("acme", "entra");
	ameliaId = await h.provision(scimToken, "amelia@acme.example", { tier: "ADMIN", orgSlug: "acme" });
});
afterAll(async () => {
	await h.close();
});

describe("hostile input", () => {
	it("refuses oversized or repeated callback parameters, never with a 500", async () => {
		const browser = new Browser(h);
		const callback = new URL(await h.callbackFor(browser, "acme", "amelia@acme.example"));
		const sealed = browser.cookie(ROSTER, "roster_sso") ?? "";
		const attempts = [
			(url: URL) => url.searchParams.set("state", "s".repeat(10_000)),
			(url: URL) => url.searchParams.append("code", "second-code"),
			(url: URL) => url.searchParams.set("error", "x".repeat(5000)),
		];
		for (const tamper of attempts) {
			const url = new URL(callback);
			tamper(url);
			browser.jar(ROSTER).set("roster_sso", sealed);
			expect(refusalOf(await browser.request(url.href))).toBe("invalid_response");
		}
		browser.jar(ROSTER).set("roster_sso", "A".repeat(20_000));
		expect(refusalOf(await browser.request(callback.href))).toBe("invalid_response");
	});

	it("answers any query string at either route with a redirect, never a 500", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.dictionary(
					fc.constantFrom("code", "state", "iss", "error", "error_description", "next", "x"),
					fc.string({ maxLength: 300 }),
				),
				fc.constantFrom("/auth/sso/acme", "/auth/sso/acme/callback"),
				async (query, path) => {
					const response = await new Browser(h).request(`${ROSTER}${path}?${new URLSearchParams(query)}`);
					expect([302, 303]).toContain(response.status);
				},
			),
			{ numRuns: 40 },
		);
	});

	it("refuses a pending login older than ten minutes as expired", async () => {
		const browser = new Browser(h);
		const callback = new URL(await h.callbackFor(browser, "acme", "amelia@acme.example"));
		const result = await finishSsoSignIn(
			{
				db: h.db.db,
				secret: TEST_SECRET,
				logger: createLogger({ level: "silent" }),
				discovery: createDiscoveryCache(),
			},
			{
				slug: "acme",
				query: callback.searchParams,
				pendingLogin: browser.cookie(ROSTER, "roster_sso"),
				client: { ip: undefined, userAgent: undefined, origin: ROSTER },
				now: new Date(Date.now() + PENDING_LOGIN_TTL_MS + 1000),
			},
		);
		expect(result).toEqual({ ok: false, reason: "expired" });
	});
});

describe("after sign-in", () => {
	it("ends the single sign-on session on the next request once the IdP deprovisions the user", async () => {
		const browser = new Browser(h);
		expect((await h.signIn(browser, "acme", "amelia@acme.example")).response.status).toBe(200);
		const client = h.trpcFor(browser.cookie(ROSTER, "roster_session"));
		await expect(client.session.me.query()).resolves.toMatchObject({ userName: "amelia@acme.example" });
		const reply = await h.clientFor(scimToken)("PATCH", `/Users/${ameliaId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		expect(reply.status).toBe(200);
		await expect(client.session.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
		expect(await h.db.db.select().from(sessions).where(eq(sessions.userId, ameliaId))).toEqual([]);
		expect(refusalOf((await h.signIn(new Browser(h), "acme", "amelia@acme.example")).response)).toBe(
			"inactive",
		);
		const reactivated = await h.clientFor(scimToken)("PATCH", `/Users/${ameliaId}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: true } }],
		});
		expect(reactivated.status).toBe(200);
	});
});

describe("throttle", () => {
	it("counts refusals against the client address and then refuses it, password sign-in included", async () => {
		const browser = new Browser(h, "198.51.100.23");
		for (let attempt = 0; attempt < IP_FAILURE_LIMIT; attempt++) {
			const response = await browser.request(`${ROSTER}/auth/sso/no-such-org`);
			expect(refusalOf(response)).toBe("not_configured");
		}
		expect(refusalOf(await browser.request(`${ROSTER}/auth/sso/acme`))).toBe("throttled");
		expect(refusalOf(await browser.request(`${ROSTER}/auth/sso/acme/callback?code=c&state=s`))).toBe(
			"throttled",
		);
		const password = await h.app.request(
			`${ROSTER}/trpc/session.signIn`,
			{
				method: "POST",
				headers: { "content-type": "application/json", origin: ROSTER, "x-roster-csrf": "1" },
				body: JSON.stringify({ email: admin.email, password: admin.password }),
			},
			{ incoming: { socket: { remoteAddress: "198.51.100.23", remotePort: 40000 } } },
		);
		expect(password.status).toBe(429);
		const elsewhere = new Browser(h, "198.51.100.24");
		expect((await h.signIn(elsewhere, "acme", "amelia@acme.example")).response.status).toBe(200);
	});
});
