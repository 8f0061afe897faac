import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandaloneProvider } from "../../../../e2e/idp/oidc/standalone.ts";
import type { ConsoleUser } from "../trpc/harness.ts";
import { Browser, createSsoHarness, person, ROSTER, refusalOf, type SsoHarness } from "./harness.ts";

let h: SsoHarness;
let acmeAdmin: ConsoleUser;
let globexAdmin: ConsoleUser;
let initechAdmin: ConsoleUser;
let acmeIdp: StandaloneProvider;
let globexIdp: StandaloneProvider;
let oktaIdp: StandaloneProvider;
let oktaAdmin: ConsoleUser;

beforeAll(async () => {
	h = await createSsoHarness();
	acmeAdmin = await h.adminOf("acme");
	globexAdmin = await h.adminOf("globex");
	initechAdmin = await h.adminOf("initech");
	const acmeToken = await h.issueToken("acme", "entra");
	const globexToken = await h.issueToken("globex", "entra");
	// Both tenants' IdPs know Gina; only Globex provisioned her.
	const gina = person("gina@globex.example");
	acmeIdp = await h.startProvider("acme", [person("ann@acme.example"), gina]);
	globexIdp = await h.startProvider("globex", [gina]);
	await h.configure(acmeAdmin, acmeIdp);
	await h.configure(globexAdmin, globexIdp);
	await h.provision(acmeToken, "ann@acme.example", { orgSlug: "acme" });
	await h.provision(globexToken, "gina@globex.example", { orgSlug: "globex" });

	// Initech saved single sign-on but left it off.
	const initechIdp = await h.startProvider("initech", [person("ian@initech.example")]);
	await h.configure(initechAdmin, initechIdp, { enabled: false });
	await h.provision(await h.issueToken("initech", "entra"), "ian@initech.example", { orgSlug: "initech" });

	// Okta: users are matched by externalId, the Okta user id Okta sends as both `externalId` and `sub`.
	oktaAdmin = await h.adminOf("hooli");
	const oktaToken = await h.issueToken("hooli", "okta", "okta");
	oktaIdp = await h.startProvider("hooli", [
		person("olga@hooli.example", "00u1olga"),
		person("oscar@hooli.example", "00u1oscar-at-idp"),
		person("twin@hooli.example", "00u1twin"),
	]);
	await h.configure(oktaAdmin, oktaIdp, { matchAttribute: "externalId", matchClaim: "sub" });
	await h.provision(oktaToken, "olga@hooli.example", { orgSlug: "hooli", externalId: "00u1olga" });
	await h.provision(oktaToken, "oscar@hooli.example", {
		orgSlug: "hooli",
		externalId: "00u1oscar-in-roster",
	});
	await h.provision(oktaToken, "twin-a@hooli.example", { orgSlug: "hooli", externalId: "00u1twin" });
	const secondOkta = await h.issueToken("hooli", "okta-2", "okta");
	await h.provision(secondOkta, "twin-b@hooli.example", { orgSlug: "hooli", externalId: "00u1twin" });
});
afterAll(async () => {
	await h.close();
});

describe("organizations are kept apart", () => {
	it("answers an unknown slug, a malformed one and one with single sign-on off identically", async () => {
		const before = await h.lastAuditId();
		const answers = [];
		for (const slug of [
			"no-such-org",
			"initech",
			"Not_A_Slug",
			"x".repeat(300),
			"%00",
			"acme%2F..%2Fglobex",
		]) {
			for (const path of [`/auth/sso/${slug}?next=/users`, `/auth/sso/${slug}/callback?code=c&state=s`]) {
				const response = await new Browser(h).request(`${ROSTER}${path}`);
				answers.push({
					status: response.status,
					location: response.headers.get("location"),
					cookies: response.headers.getSetCookie().filter((line) => !line.startsWith("roster_sso=;")),
					body: await response.text(),
				});
			}
		}
		expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
		expect(answers[0]).toMatchObject({ status: 303, location: "/sign-in/refused?reason=not_configured" });
		const initech = initechAdmin.organization.id;
		expect(await h.auditAfter(initech, before)).toEqual([]);
	});

	it("refuses a user of another organization at this organization's slug, even when its IdP knows them", async () => {
		const browser = new Browser(h);
		const done = await h.signIn(browser, "acme", "gina@globex.example");
		expect(refusalOf(done.response)).toBe("not_provisioned");
		expect((await h.signIn(new Browser(h), "globex", "gina@globex.example")).response.status).toBe(200);
	});

	it("refuses a sign-in begun for one organization and brought back to another's callback", async () => {
		const browser = new Browser(h);
		const callback = await h.callbackFor(browser, "acme", "ann@acme.example");
		await browser.request(`${ROSTER}/auth/sso/globex`);
		expect(refusalOf(await browser.request(callback))).toBe("invalid_response");
	});

	it("shows each administrator only their own organization's settings", async () => {
		const acme = await acmeAdmin.client.sso.get.query();
		const globex = await globexAdmin.client.sso.get.query();
		expect(acme.issuer).toBe(acmeIdp.issuer);
		expect(globex.issuer).toBe(globexIdp.issuer);
		expect(globex.redirectUri).toBe(`${ROSTER}/auth/sso/globex/callback`);
		const fresh = await h.adminOf("umbrella");
		await expect(fresh.client.sso.get.query()).resolves.toMatchObject({
			enabled: false,
			issuer: "",
			clientSecretSet: false,
		});
	});
});

describe("matching by externalId (Okta)", () => {
	it("signs in the user whose externalId is the subject", async () => {
		const browser = new Browser(h);
		expect((await h.signIn(browser, "hooli", "olga@hooli.example")).response.status).toBe(200);
		const token = browser.cookie(ROSTER, "roster_session");
		await expect(h.trpcFor(token).session.me.query()).resolves.toMatchObject({
			userName: "olga@hooli.example",
		});
	});

	it("refuses a user whose userName matches but whose externalId does not", async () => {
		expect(refusalOf((await h.signIn(new Browser(h), "hooli", "oscar@hooli.example")).response)).toBe(
			"not_provisioned",
		);
	});

	it("refuses a subject two users share rather than pick one", async () => {
		const before = await h.lastAuditId();
		expect(refusalOf((await h.signIn(new Browser(h), "hooli", "twin@hooli.example")).response)).toBe(
			"not_provisioned",
		);
		const [event] = await h.auditAfter(oktaAdmin.organization.id, before);
		expect(event?.metadata).toMatchObject({
			claimValue: "00u1twin",
			detail: expect.stringContaining("More than one"),
		});
	});
});
