import { auditEvents, sessions, users } from "@roster/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandaloneProvider } from "../../../../e2e/idp/oidc/standalone.ts";
import { capturedLogger } from "../helpers.ts";
import type { ConsoleUser } from "../trpc/harness.ts";
import {
	Browser,
	CLIENT_SECRET,
	createSsoHarness,
	MOCK_PASSWORD,
	person,
	ROSTER,
	refusalOf,
	type SsoHarness,
	signInFormAction,
} from "./harness.ts";

const log = capturedLogger("debug");
let h: SsoHarness;
let admin: ConsoleUser;
let idp: StandaloneProvider;
let acmeToken: string;
/** Codes and session tokens the tests saw, which no log line may contain. */
const secretsSeen: string[] = [CLIENT_SECRET];

const ACME = "acme";
const people = {
	ada: person("ada@acme.example"),
	bob: person("bob@acme.example"),
	nobody: person("nobody@acme.example"),
	gone: person("gone@acme.example"),
	idle: person("idle@acme.example"),
	deleted: person("deleted@acme.example"),
	local: person("local-admin@acme.example"),
};

beforeAll(async () => {
	h = await createSsoHarness({ logger: log.logger });
	admin = await h.adminOf(ACME, "local-admin@acme.example");
	idp = await h.startProvider(ACME, Object.values(people));
	await h.configure(admin, idp);
	acmeToken = await h.issueToken(ACME, "entra");
	await h.provision(acmeToken, "ada@acme.example", { tier: "ADMIN", orgSlug: ACME });
	await h.provision(acmeToken, "bob@acme.example", { tier: "USER", orgSlug: ACME });
	await h.provision(acmeToken, "idle@acme.example", { tier: "NONE", orgSlug: ACME });
	const gone = await h.provision(acmeToken, "gone@acme.example", { orgSlug: ACME });
	const deactivated = await h.clientFor(acmeToken)("PATCH", `/Users/${gone}`, {
		schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		Operations: [{ op: "replace", value: { active: false } }],
	});
	expect(deactivated.status).toBe(200);
	const deleted = await h.provision(acmeToken, "deleted@acme.example", { orgSlug: ACME });
	expect((await h.clientFor(acmeToken)("DELETE", `/Users/${deleted}`)).status).toBe(204);
});
afterAll(async () => {
	await h.close();
});

/** Calls `session.me` with the session cookie a browser holds for Roster. */
async function me(browser: Browser) {
	const token = browser.cookie(ROSTER, "roster_session");
	return h.trpcFor(token).session.me.query();
}

describe("sign-in with single sign-on", () => {
	it("opens a console session for a provisioned user and moves the browser on with a same-origin page", async () => {
		const browser = new Browser(h);
		const before = await h.lastAuditId();
		const started = await h.begin(browser, ACME, "/users?sort=userName");
		expect(started.url.startsWith(`${idp.issuer}/interaction/`)).toBe(true);
		const pending = browser.cookie(ROSTER, "roster_sso") ?? "";
		expect(pending).not.toBe("");

		const done = await browser.follow(`${signInFormAction(started.url)}/login`, {
			method: "POST",
			form: { username: "ada@acme.example", password: MOCK_PASSWORD },
		});
		expect(done.url.startsWith(`${ROSTER}/auth/sso/${ACME}/callback?code=`)).toBe(true);
		expect(done.response.status).toBe(200);
		expect(done.response.headers.get("content-type")).toContain("text/html");
		expect(done.response.headers.get("cache-control")).toBe("no-store");
		expect(done.response.headers.get("referrer-policy")).toBe("no-referrer");
		const html = await done.response.text();
		expect(html).toContain('<meta http-equiv="refresh" content="0;url=/users?sort=userName">');
		expect(html).toContain('<a href="/users?sort=userName">');

		const setCookies = done.response.headers.getSetCookie();
		const session = setCookies.find((line) => line.startsWith("roster_session="));
		expect(session).toMatch(/HttpOnly/);
		expect(session).toMatch(/SameSite=Strict/);
		expect(session).toMatch(/Path=\//);
		expect(setCookies.find((line) => line.startsWith("roster_sso="))).toMatch(/Max-Age=0/);
		expect(browser.cookie(ROSTER, "roster_sso")).toBeUndefined();

		await expect(me(browser)).resolves.toMatchObject({ userName: "ada@acme.example", tier: "ADMIN" });

		const events = await h.auditAfter(admin.organization.id, before);
		const signedIn = events.filter((event) => event.action === "SSO_SIGN_IN");
		expect(signedIn).toHaveLength(1);
		expect(signedIn[0]).toMatchObject({
			entityType: "User",
			entityName: "ada@acme.example",
			metadata: {
				issuer: idp.issuer,
				subject: people.ada.id,
				matchAttribute: "userName",
				claim: "preferred_username",
				claimValue: "ada@acme.example",
			},
		});
		const code = new URL(done.url).searchParams.get("code") ?? "";
		secretsSeen.push(code, pending, browser.cookie(ROSTER, "roster_session") ?? "");
		expect(JSON.stringify(events)).not.toContain(code);
		expect(JSON.stringify(events)).not.toContain(browser.cookie(ROSTER, "roster_session"));
	});

	it("honours a same-origin next and drops every other", async () => {
		const cases: [string, string][] = [
			["/groups/42?tab=members#top", "/groups/42?tab=members#top"],
			["//evil.example/x", "/"],
			["https://evil.example/", "/"],
			["/\\evil.example", "/"],
			["/\t/evil.example", "/"],
			["javascript:alert(1)", "/"],
			[`/${"a".repeat(3000)}`, "/"],
		];
		for (const [next, landing] of cases) {
			const browser = new Browser(h);
			const done = await h.signIn(browser, ACME, "bob@acme.example", next);
			expect({ next, status: done.response.status }).toEqual({ next, status: 200 });
			const html = await done.response.text();
			const escaped = landing.replaceAll("&", "&amp;");
			expect({ next, page: html.includes(`content="0;url=${escaped}"`) }).toEqual({ next, page: true });
		}
	});

	it.each([
		["a user the IdP knows but Roster was never sent", "nobody@acme.example", "not_provisioned"],
		["a deprovisioned user", "gone@acme.example", "inactive"],
		["a user whose tier is NONE", "idle@acme.example", "no_access"],
		["a deleted user", "deleted@acme.example", "not_provisioned"],
		["a local console administrator (never provisioned)", "local-admin@acme.example", "not_provisioned"],
	])("refuses %s, audited with the claim value", async (_label, username, reason) => {
		const browser = new Browser(h);
		const before = await h.lastAuditId();
		const done = await h.signIn(browser, ACME, username);
		expect(done.response.status).toBe(303);
		expect(refusalOf(done.response)).toBe(reason);
		expect(browser.cookie(ROSTER, "roster_session")).toBeUndefined();
		const events = await h.auditAfter(admin.organization.id, before);
		expect(events.map((event) => event.action)).toEqual(["SSO_SIGN_IN_REFUSED"]);
		expect(events[0]?.metadata).toMatchObject({ reason, issuer: idp.issuer, claimValue: username });
	});

	it("refuses a sign-in the person cancelled at the IdP (error=access_denied) as idp_error", async () => {
		const browser = new Browser(h);
		const before = await h.lastAuditId();
		const page = await h.begin(browser, ACME);
		const done = await browser.follow(`${signInFormAction(page.url)}/abort`, { method: "POST" });
		expect(refusalOf(done.response)).toBe("idp_error");
		expect(done.url).toContain("error=access_denied");
		const [event] = await h.auditAfter(admin.organization.id, before);
		expect(event).toMatchObject({
			action: "SSO_SIGN_IN_REFUSED",
			metadata: { reason: "idp_error", idpError: "access_denied" },
		});
	});

	it("refuses a callback without the pending-login cookie as expired, and a tampered one as invalid", async () => {
		const browser = new Browser(h);
		const callback = await h.callbackFor(browser, ACME, "ada@acme.example");
		const sealed = browser.cookie(ROSTER, "roster_sso") ?? "";

		browser.jar(ROSTER).delete("roster_sso");
		expect(refusalOf(await browser.request(callback))).toBe("expired");

		const flipped = `${sealed.slice(0, 20)}${sealed[20] === "A" ? "B" : "A"}${sealed.slice(21)}`;
		browser.jar(ROSTER).set("roster_sso", flipped);
		expect(refusalOf(await browser.request(callback))).toBe("invalid_response");

		browser.jar(ROSTER).set("roster_sso", "not-even-base64!");
		expect(refusalOf(await browser.request(callback))).toBe("invalid_response");
		expect(browser.cookie(ROSTER, "roster_session")).toBeUndefined();
	});

	it("refuses a callback whose state is not the one this browser began with", async () => {
		const browser = new Browser(h);
		const callback = new URL(await h.callbackFor(browser, ACME, "ada@acme.example"));
		callback.searchParams.set("state", "an-attackers-state");
		const before = await h.lastAuditId();
		expect(refusalOf(await browser.request(callback.href))).toBe("invalid_response");
		const [event] = await h.auditAfter(admin.organization.id, before);
		expect(event?.metadata).toMatchObject({ detail: expect.stringContaining("state") });
	});

	it("refuses a replayed callback: the cookie is spent, and the IdP will not take the code twice", async () => {
		const browser = new Browser(h);
		const callback = await h.callbackFor(browser, ACME, "bob@acme.example");
		const sealed = browser.cookie(ROSTER, "roster_sso") ?? "";
		const first = await browser.request(callback);
		expect(first.status).toBe(200);
		const [bob] = await h.db.db.select().from(users).where(eq(users.userName, "bob@acme.example"));
		const countSessions = async () =>
			(
				await h.db.db
					.select()
					.from(sessions)
					.where(eq(sessions.userId, bob?.id ?? ""))
			).length;
		const sessionsAfterFirst = await countSessions();

		expect(refusalOf(await browser.request(callback))).toBe("expired");
		browser.jar(ROSTER).set("roster_sso", sealed);
		expect(refusalOf(await browser.request(callback))).toBe("expired");
		expect(await countSessions()).toBe(sessionsAfterFirst);
	});

	it("refuses an ID token whose nonce is not the one Roster sent", async () => {
		const browser = new Browser(h);
		const authorize = new URL(
			(await browser.request(`${ROSTER}/auth/sso/${ACME}`)).headers.get("location") ?? "",
		);
		authorize.searchParams.set("nonce", "a-nonce-roster-never-made");
		const callback = await h.callbackFor(browser, ACME, "ada@acme.example", authorize.href);
		const before = await h.lastAuditId();
		expect(refusalOf(await browser.request(callback))).toBe("invalid_response");
		const [event] = await h.auditAfter(admin.organization.id, before);
		expect(event?.metadata).toMatchObject({
			reason: "invalid_response",
			detail: expect.stringContaining("nonce"),
		});
	});

	it("refuses a code issued by another provider, whether or not its issuer is named", async () => {
		const impostor = await h.startProvider(ACME, Object.values(people));
		const browser = new Browser(h);
		const authorize = new URL(
			(await browser.request(`${ROSTER}/auth/sso/${ACME}`)).headers.get("location") ?? "",
		);
		const elsewhere = new URL(`${impostor.issuer}${authorize.pathname}${authorize.search}`);
		const callback = new URL(await h.callbackFor(browser, ACME, "ada@acme.example", elsewhere.href));
		expect(callback.searchParams.get("iss")).toBe(impostor.issuer);
		const sealed = browser.cookie(ROSTER, "roster_sso") ?? "";
		expect(refusalOf(await browser.request(callback.href))).toBe("invalid_response");

		callback.searchParams.delete("iss");
		browser.jar(ROSTER).set("roster_sso", sealed);
		// The provider advertises RFC 9207's iss parameter, so an answer without it is not taken either.
		expect(refusalOf(await browser.request(callback.href))).toBe("invalid_response");
		expect(browser.cookie(ROSTER, "roster_session")).toBeUndefined();
	});

	it("makes a sign-in begun before the settings changed start again", async () => {
		const browser = new Browser(h);
		const callback = await h.callbackFor(browser, ACME, "ada@acme.example");
		await h.configure(admin, idp, { clientSecret: undefined, matchClaim: "email" });
		expect(refusalOf(await browser.request(callback))).toBe("expired");
		await h.configure(admin, idp, { clientSecret: undefined });
		expect((await h.signIn(new Browser(h), ACME, "ada@acme.example")).response.status).toBe(200);
	});

	it("keeps the client secret, codes and session tokens out of every log line and audit event", async () => {
		const lines = log.lines().join("\n");
		expect(lines).toContain("/auth/sso/acme/callback");
		for (const secret of secretsSeen) expect(lines).not.toContain(secret);
		const events = await h.db.db.select().from(auditEvents);
		expect(JSON.stringify(events)).not.toContain(CLIENT_SECRET);
	});
});
