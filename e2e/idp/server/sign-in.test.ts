import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryUser } from "../directory.ts";
import { tenantApi } from "./api-client.ts";
import { MOCK_PASSWORD } from "./kinds.ts";
import { type MockTenant, startMockTenant } from "./start.ts";

const REDIRECT = "http://127.0.0.1:1/auth/sso/acme/callback";

/** A browser's cookie jar and redirect following, stopping at the first hop that leaves the tenant. */
async function browse(
	tenant: MockTenant,
	jar: Map<string, string>,
	start: string,
	init: { method?: string; form?: Record<string, string> } = {},
): Promise<Response> {
	let url = start;
	let method = init.method ?? "GET";
	let body: URLSearchParams | undefined = init.form ? new URLSearchParams(init.form) : undefined;
	for (let hop = 0; hop < 10; hop++) {
		const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
		const response = await fetch(url, {
			method,
			redirect: "manual",
			headers: { cookie },
			...(body ? { body } : {}),
		});
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(";");
			const [name, ...value] = (pair ?? "").split("=");
			if (name) jar.set(name, value.join("="));
		}
		const location = response.headers.get("location");
		if (!location || !new URL(location, url).href.startsWith(tenant.issuer)) return response;
		url = new URL(location, url).href;
		method = "GET";
		body = undefined;
	}
	throw new Error("too many redirects");
}

/**
 * Signs in through the tenant's own sign-in page (in the browser whose cookies are `jar`); returns the
 * final answer and what the callback needs.
 */
async function signIn(
	tenant: MockTenant,
	username: string,
	password = MOCK_PASSWORD,
	redirect = REDIRECT,
	jar = new Map<string, string>(),
) {
	const config = await client.discovery(
		new URL(tenant.issuer),
		tenant.control.clientId,
		undefined,
		client.ClientSecretBasic(tenant.control.clientSecret),
		{ execute: [client.allowInsecureRequests] },
	);
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const authorize = client.buildAuthorizationUrl(config, {
		redirect_uri: redirect,
		scope: "openid profile email",
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: "S256",
		state,
		nonce,
		login_hint: username,
	});
	const page = await browse(tenant, jar, authorize.href);
	const html = await page.text();
	expect(html).toContain(MOCK_PASSWORD);
	const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
	expect(action).toMatch(/^\/interaction\//);
	expect(html).toContain(`value="${username}"`);
	const done = await browse(tenant, jar, `${tenant.issuer}${action}`, {
		method: "POST",
		form: { username, password },
	});
	return { config, done, verifier, state, nonce };
}

async function idTokenClaims(tenant: MockTenant, username: string) {
	const { config, done, verifier, state, nonce } = await signIn(tenant, username);
	const callback = done.headers.get("location") ?? "";
	expect(callback.startsWith(REDIRECT)).toBe(true);
	const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
		pkceCodeVerifier: verifier,
		expectedState: state,
		expectedNonce: nonce,
		idTokenExpected: true,
	});
	return tokens.claims() as Record<string, unknown>;
}

describe.each([
	{ kind: "entra" as const, disabled: "AADSTS50057", wrong: "AADSTS50126" },
	{ kind: "okta-oin" as const, disabled: "This account is deactivated", wrong: "Unable to sign in" },
])("SSO at the $kind tenant's own sign-in page", ({ kind, disabled, wrong }) => {
	let tenant: MockTenant;
	let ada: DirectoryUser;
	beforeAll(async () => {
		tenant = await startMockTenant({ kind, redirectUris: [REDIRECT] });
		ada = tenant.directory.hire({ givenName: "Ada", surname: "Lovelace" });
	});
	afterAll(async () => {
		await tenant.stop();
	});

	it("code + PKCE yields an RS256 ID token with the documented claims", async () => {
		const claims = await idTokenClaims(tenant, ada.userPrincipalName);
		const common = {
			iss: tenant.issuer,
			aud: tenant.control.clientId,
			preferred_username: ada.userPrincipalName,
			email: ada.mail,
			name: "Ada Lovelace",
			given_name: "Ada",
			family_name: "Lovelace",
		};
		if (kind === "entra") {
			expect(claims).toMatchObject({
				...common,
				oid: ada.id,
				tid: tenant.control.tenantId,
				upn: ada.userPrincipalName,
			});
			expect(claims.sub).toMatch(/^[\w-]{43}$/);
			expect(claims.sub).not.toBe(ada.id);
		} else {
			expect(claims).toMatchObject({ ...common, sub: ada.id });
			expect(claims).not.toHaveProperty("oid");
		}
	});

	it("a disabled user and a wrong password are refused by the IdP with its own error", async () => {
		const grace = tenant.directory.hire({ givenName: "Grace", surname: "Hopper" });
		tenant.directory.disable(grace.id);
		const refused = await signIn(tenant, grace.userPrincipalName);
		expect(refused.done.status).toBe(401);
		expect(await refused.done.text()).toContain(disabled);
		const wrongPassword = await signIn(tenant, ada.userPrincipalName, "not-the-password");
		expect(wrongPassword.done.status).toBe(401);
		expect(await wrongPassword.done.text()).toContain(wrong);
	});

	it("a person disabled after signing in meets the sign-in page again at the next sign-in, and the IdP's refusal", async () => {
		const linus = tenant.directory.hire({ givenName: "Linus", surname: "Torvalds" });
		const browser = new Map<string, string>();
		const first = await signIn(tenant, linus.userPrincipalName, MOCK_PASSWORD, REDIRECT, browser);
		expect(first.done.headers.get("location")?.startsWith(REDIRECT)).toBe(true);
		tenant.directory.disable(linus.id);
		// The IdP session from the first sign-in no longer counts: no server error, no code for the disabled person.
		const again = await signIn(tenant, linus.userPrincipalName, MOCK_PASSWORD, REDIRECT, browser);
		expect(again.done.status).toBe(401);
		expect(await again.done.text()).toContain(disabled);
	});

	it("saving another redirect URI re-registers the client; the old one is refused", async () => {
		const other = "http://127.0.0.1:2/auth/sso/other/callback";
		await tenantApi(tenant.url)("PUT", "/sso", { redirectUris: [other] });
		const { done } = await signIn(tenant, ada.userPrincipalName, MOCK_PASSWORD, other);
		expect(done.headers.get("location")?.startsWith(other)).toBe(true);
		const config = await client.discovery(
			new URL(tenant.issuer),
			tenant.control.clientId,
			undefined,
			client.ClientSecretBasic(tenant.control.clientSecret),
			{ execute: [client.allowInsecureRequests] },
		);
		const stale = client.buildAuthorizationUrl(config, {
			redirect_uri: REDIRECT,
			scope: "openid",
			code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
			code_challenge_method: "S256",
		});
		const answer = await fetch(stale, { redirect: "manual" });
		expect(answer.status).toBe(400);
		expect(await answer.text()).toContain("redirect_uri");
		await tenantApi(tenant.url)("PUT", "/sso", { redirectUris: [REDIRECT] });
	});
});
