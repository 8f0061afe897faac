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
		expect(browser.cookie(ROSTER, "roster_sso")).toBeTruthy();

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
		expect(JSON.stringify(events)).not.toContain(code);
		expect(JSON.stringify(events)).not.toContain(browser.cookie(ROSTER, "roster_session"));
	});
});
