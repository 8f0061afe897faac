import { isLoopbackHost } from "@roster/domain/inputs/sso";
import * as oidc from "openid-client";

/** How long Roster waits for an IdP's discovery document, keys and token endpoint. */
const IDP_TIMEOUT_SECONDS = 10;

/** Discovered metadata is reused for this long before it is fetched again. */
export const DISCOVERY_TTL_MS = 15 * 60_000;

/** Roster as registered at one organization's IdP. */
export interface RelyingParty {
	issuer: string;
	clientId: string;
	clientSecret: string;
}

/** Plain http is spoken only to loopback issuers (decision 0182); everything else must be https. */
function isPlainLoopback(issuer: URL): boolean {
	return issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
}

/**
 * Discovers an IdP and returns an openid-client configuration that authenticates with
 * `client_secret_basic` and verifies every ID token's signature against the IdP's keys (besides issuer,
 * audience, expiry and nonce, which openid-client always checks).
 */
export function discoverRelyingParty(party: RelyingParty): Promise<oidc.Configuration> {
	return discover(party.issuer, party.clientId, oidc.ClientSecretBasic(party.clientSecret));
}

function discover(issuerText: string, clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
	const issuer = new URL(issuerText);
	const execute = [oidc.enableNonRepudiationChecks];
	if (isPlainLoopback(issuer)) execute.push(oidc.allowInsecureRequests);
	return oidc.discovery(issuer, clientId, undefined, auth, { execute, timeout: IDP_TIMEOUT_SECONDS });
}

/** What identifies one cached discovery: a new save (version), issuer or client id discovers afresh. */
export interface DiscoveryKey {
	orgId: string;
	issuer: string;
	clientId: string;
	version: number;
}

/** Discovered configurations per organization, kept in memory for `DISCOVERY_TTL_MS`. */
export interface DiscoveryCache {
	configurationFor(
		key: DiscoveryKey,
		discover: () => Promise<oidc.Configuration>,
	): Promise<oidc.Configuration>;
}

/**
 * One entry per organization (a newer key replaces it); concurrent sign-ins share one discovery, and a
 * failed one is forgotten at once so the next sign-in tries again.
 */
export function createDiscoveryCache(options: { ttlMs?: number; now?: () => number } = {}): DiscoveryCache {
	const ttlMs = options.ttlMs ?? DISCOVERY_TTL_MS;
	const now = options.now ?? Date.now;
	const entries = new Map<
		string,
		{ key: string; expiresAt: number; configuration: Promise<oidc.Configuration> }
	>();
	return {
		configurationFor(key, discover) {
			const id = JSON.stringify([key.issuer, key.clientId, key.version]);
			const cached = entries.get(key.orgId);
			if (cached && cached.key === id && cached.expiresAt > now()) return cached.configuration;
			const configuration = discover();
			const entry = { key: id, expiresAt: now() + ttlMs, configuration };
			entries.set(key.orgId, entry);
			configuration.catch(() => {
				if (entries.get(key.orgId) === entry) entries.delete(key.orgId);
			});
			return configuration;
		},
	};
}

/** What "Check issuer" found: the IdP's endpoints and anything worth a second look, or what went wrong. */
export type IssuerCheck =
	| {
			ok: true;
			issuer: string;
			authorizationEndpoint: string | null;
			tokenEndpoint: string | null;
			jwksUri: string | null;
			userinfoEndpoint: string | null;
			notes: string[];
	  }
	| { ok: false; problem: string };

/** Notes on metadata that will not work with Roster as it signs in (code flow, PKCE S256, client_secret_basic, RS256). */
function metadataNotes(metadata: oidc.ServerMetadata): string[] {
	const notes: string[] = [];
	if (!metadata.authorization_endpoint) notes.push("The IdP names no authorization endpoint.");
	if (!metadata.token_endpoint) notes.push("The IdP names no token endpoint.");
	if (!metadata.jwks_uri)
		notes.push("The IdP names no signing keys (jwks_uri), so ID tokens cannot be verified.");
	const basic = metadata.token_endpoint_auth_methods_supported;
	if (basic && !basic.includes("client_secret_basic")) {
		notes.push("The IdP does not list client_secret_basic, the client authentication Roster uses.");
	}
	const pkce = metadata.code_challenge_methods_supported;
	if (pkce && !pkce.includes("S256"))
		notes.push("The IdP does not list PKCE S256, which Roster always sends.");
	const algs = metadata.id_token_signing_alg_values_supported;
	if (algs && !algs.some((alg) => alg.startsWith("RS") || alg.startsWith("PS") || alg.startsWith("ES"))) {
		notes.push("The IdP signs ID tokens only with algorithms Roster does not verify.");
	}
	return notes;
}

/**
 * Discovers `issuer` the way sign-in will and reports the endpoints, or what went wrong in plain words;
 * no client credentials are sent.
 */
export async function checkIssuer(issuer: string): Promise<IssuerCheck> {
	try {
		const configuration = await discover(issuer, "roster-issuer-check", oidc.None());
		const metadata = configuration.serverMetadata();
		return {
			ok: true,
			issuer: metadata.issuer,
			authorizationEndpoint: metadata.authorization_endpoint ?? null,
			tokenEndpoint: metadata.token_endpoint ?? null,
			jwksUri: metadata.jwks_uri ?? null,
			userinfoEndpoint: metadata.userinfo_endpoint ?? null,
			notes: metadataNotes(metadata),
		};
	} catch (error) {
		return { ok: false, problem: idpProblem(error, issuer) };
	}
}

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: "refused the connection: is the address right and the IdP running?",
	ECONNRESET: "dropped the connection",
	ENOTFOUND: "is not a host name that resolves (DNS)",
	EAI_AGAIN: "could not be looked up (DNS is not answering)",
	ETIMEDOUT: "did not answer in time",
	EHOSTUNREACH: "cannot be reached from this server",
	ENETUNREACH: "cannot be reached from this server",
};

/** The code of the network error under a failed `fetch`, if any. */
function networkCode(error: unknown): string | undefined {
	const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
	return typeof cause?.code === "string" ? cause.code : undefined;
}

/**
 * An IdP call's failure in words an administrator can act on: which host, what it did, what to check.
 * Never the secret or a token: only hosts, statuses and the IdP's own error codes.
 */
export function idpProblem(error: unknown, issuer: string): string {
	const host = URL.canParse(issuer) ? new URL(issuer).host : issuer;
	const wellKnown = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
	if (error instanceof oidc.AuthorizationResponseError) {
		return `The IdP answered the sign-in with ${error.error}${error.error_description ? ` (${error.error_description.slice(0, 200)})` : ""}`;
	}
	if (error instanceof oidc.ResponseBodyError) {
		return `The IdP refused the request: ${error.error}${error.error_description ? ` (${error.error_description.slice(0, 200)})` : ""}`;
	}
	if (error instanceof oidc.ClientError) {
		switch (error.code) {
			case "OAUTH_TIMEOUT":
				return `${host} did not answer within ${IDP_TIMEOUT_SECONDS} seconds`;
			case "OAUTH_RESPONSE_IS_NOT_CONFORM": {
				// Not `instanceof Response`: @hono/node-server replaces the global Response, and fetch's is not it.
				const answered = (error.cause as { status?: unknown } | undefined)?.status;
				const status = typeof answered === "number" ? ` with HTTP ${answered}` : "";
				return `${wellKnown} answered${status}: check the issuer URL`;
			}
			case "OAUTH_RESPONSE_IS_NOT_JSON":
				return `${wellKnown} did not answer with JSON: is this the issuer URL?`;
			case "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED": {
				const named = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer;
				return typeof named === "string"
					? `The IdP names its issuer "${named.slice(0, 300)}", not "${issuer}": enter it exactly as the IdP names it`
					: `The IdP's discovery document names another issuer than "${issuer}"`;
			}
		}
		return `The IdP's answer could not be used: ${error.message}`;
	}
	const code = networkCode(error);
	if (code && NETWORK_WORDS[code]) return `${host} ${NETWORK_WORDS[code]}`;
	if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
		return `The TLS certificate of ${host} is not trusted (${code})`;
	}
	if (code?.startsWith("ERR_SSL"))
		return `The TLS handshake with ${host} failed: does it really speak https?`;
	if (error instanceof TypeError) return `${host} could not be reached${code ? ` (${code})` : ""}`;
	return `Something went wrong talking to ${host}`;
}
