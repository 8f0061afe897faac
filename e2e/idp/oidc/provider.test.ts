import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockOpenIdProvider } from "./provider.ts";

const REDIRECT = "http://127.0.0.1:1/callback";
let server: Server;
let issuer: string;
let enabled = true;

beforeAll(async () => {
	server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const op = new MockOpenIdProvider({
		issuer,
		relyingParty: { clientId: "roster", clientSecret: "s3cret-s3cret", redirectUris: [REDIRECT] },
		scopeClaims: { profile: ["name", "preferred_username"], email: ["email"] },
		claimsOf: (id) =>
			id === "u1"
				? { name: "Ada", preferred_username: "ada@contoso.example", email: "ada@contoso.example" }
				: undefined,
		authenticate: (username) =>
			username !== "ada@contoso.example"
				? { refusal: "unknown user" }
				: enabled
					? { accountId: "u1" }
					: { refusal: "AADSTS50057: The user account is disabled." },
		interactionUrl: (uid) => `/interaction/${uid}`,
	});
	server.on("request", async (req, res) => {
		const url = new URL(req.url ?? "/", issuer);
		const login = /^\/interaction\/([^/]+)\/login$/.exec(url.pathname);
		if (login && req.method === "POST") {
			const result = await op.finishSignIn(req, res, url.searchParams.get("u") ?? "", "pw");
			if ("refusal" in result) {
				res.writeHead(403).end(result.refusal);
				return;
			}
			res.writeHead(303, { location: result.redirectTo }).end();
			return;
		}
		if (url.pathname.startsWith("/interaction/")) {
			const pending = await op.pendingSignIn(req, res);
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(pending));
			return;
		}
		op.handler(req, res);
	});
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Follows redirects by hand, keeping the provider's cookies, until one leaves the issuer. */
async function browse(start: string, jar: Map<string, string>, method = "GET"): Promise<Response> {
	let url = start;
	let verb = method;
	for (let hop = 0; hop < 10; hop++) {
		const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
		const response = await fetch(url, { method: verb, redirect: "manual", headers: { cookie } });
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(";");
			const [name, ...value] = (pair ?? "").split("=");
			if (name) jar.set(name, value.join("="));
		}
		const location = response.headers.get("location");
		if (!location || !new URL(location, url).href.startsWith(issuer)) return response;
		url = new URL(location, url).href;
		verb = "GET";
	}
	throw new Error("too many redirects");
}

async function signIn(username: string) {
	const config = await client.discovery(
		new URL(issuer),
		"roster",
		undefined,
		client.ClientSecretBasic("s3cret-s3cret"),
		{
			execute: [client.allowInsecureRequests],
		},
	);
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const authorize = client.buildAuthorizationUrl(config, {
		redirect_uri: REDIRECT,
		scope: "openid profile email",
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: "S256",
		state,
		nonce,
	});
	const jar = new Map<string, string>();
	const page = await browse(authorize.href, jar);
	const pending = (await page.json()) as { uid: string; clientId: string };
	expect(pending.clientId).toBe("roster");
	const done = await browse(
		`${issuer}/interaction/${pending.uid}/login?u=${encodeURIComponent(username)}`,
		jar,
		"POST",
	);
	return { config, done, verifier, state, nonce };
}

describe("MockOpenIdProvider", () => {
	it("issues an ID token with the tenant's claims through code + PKCE", async () => {
		const { config, done, verifier, state, nonce } = await signIn("ada@contoso.example");
		const callback = done.headers.get("location");
		expect(callback?.startsWith(REDIRECT)).toBe(true);
		const tokens = await client.authorizationCodeGrant(config, new URL(callback ?? ""), {
			pkceCodeVerifier: verifier,
			expectedState: state,
			expectedNonce: nonce,
			idTokenExpected: true,
		});
		expect(tokens.claims()).toMatchObject({
			sub: "u1",
			iss: issuer,
			aud: "roster",
			preferred_username: "ada@contoso.example",
			nonce,
		});
	});

	it("refuses a disabled account at its own sign-in page", async () => {
		enabled = false;
		const { done } = await signIn("ada@contoso.example");
		enabled = true;
		expect(done.status).toBe(403);
		expect(await done.text()).toContain("AADSTS50057");
	});
});
