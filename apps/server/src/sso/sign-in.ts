import type { Executor, Organization, SsoSettings } from "@roster/db";
import { issuerProblem, type SsoRefusalReason, safeNextPath } from "@roster/domain/inputs/sso";
import * as oidc from "openid-client";
import { type OperatorActor, type OperatorEvent, recordOperatorEvents } from "../audit/operator-events.ts";
import type { Logger } from "../logger.ts";
import { findOrganizationBySlug, isValidSlug } from "../organizations/organizations.ts";
import { DecryptionError } from "../security/encryption.ts";
import { createSession } from "../sessions/sessions.ts";
import { countIpFailure, ipBlockedUntil } from "../sessions/sign-in-throttle.ts";
import { type DiscoveryCache, discoverRelyingParty, idpProblem } from "./discovery.ts";
import { type MatchedUser, matchUser } from "./match.ts";
import { openPendingLogin, sealPendingLogin } from "./pending-login.ts";
import { openClientSecret, readSsoSettings, ssoRedirectUri } from "./settings.ts";

/** The scopes Roster asks every IdP for: the subject, the login name and the email. */
export const SSO_SCOPES = "openid profile email";

/** What single sign-on needs from the server: the database, ROSTER_SECRET, a logger, the discovery cache. */
export interface SsoDeps {
	db: Executor;
	secret: string;
	logger: Logger;
	discovery: DiscoveryCache;
}

/** The browser signing in: its address (throttling, audit) and the origin Roster is reached at. */
export interface SsoClient {
	ip: string | undefined;
	userAgent: string | undefined;
	/** `PUBLIC_URL`, else the request's origin through the trusted proxies: the redirect URI's origin. */
	origin: string;
}

export type SsoRefusal = { ok: false; reason: SsoRefusalReason };

/** A sign-in begun: the IdP address to send the browser to, and the pending login it must bring back. */
export type SsoStarted = { ok: true; authorizationUrl: string; pendingLogin: string };

/** A sign-in finished: the new session's token (its only copy) and where to go. */
export type SsoSignedIn = { ok: true; token: string; expiresAt: Date; next: string };

/** Single sign-on records its own events: no operator is acting. */
const SSO_ACTOR: OperatorActor = { type: "system", name: "single sign-on" };

/** Parameters of the IdP's answer Roster reads; anything else in the callback address is ignored. */
const CALLBACK_PARAMETERS = ["code", "state", "iss", "error", "error_description", "session_state"] as const;
const MAX_PARAMETER_LENGTH = 4096;
const MAX_CLAIM_LENGTH = 1024;

interface Configured {
	organization: Organization;
	settings: SsoSettings;
	clientSecret: string;
}

/** What a refusal records: the reason, and whatever is known of whom and why. */
interface RefusalFacts {
	reason: SsoRefusalReason;
	user?: MatchedUser;
	detail?: string;
	claimValue?: string;
	idpError?: string;
}

/**
 * The organization behind a slug with single sign-on on and complete, or undefined: an unknown slug, a
 * malformed one and one whose single sign-on is off all look alike, so nobody learns which exist.
 */
async function configuredOrganization(deps: SsoDeps, slug: string): Promise<Configured | undefined> {
	if (!isValidSlug(slug)) return undefined;
	const organization = await findOrganizationBySlug(deps.db, slug);
	if (!organization) return undefined;
	const settings = await readSsoSettings(deps.db, organization.id);
	if (!settings?.enabled || settings.clientId === "" || issuerProblem(settings.issuer)) return undefined;
	try {
		const clientSecret = openClientSecret(settings, deps.secret);
		return clientSecret ? { organization, settings, clientSecret } : undefined;
	} catch (error) {
		if (!(error instanceof DecryptionError)) throw error;
		deps.logger.error(
			{ org: organization.slug },
			"the single sign-on client secret cannot be opened (was ROSTER_SECRET changed?): save it again in Settings",
		);
		return undefined;
	}
}

function configurationOf(deps: SsoDeps, configured: Configured): Promise<oidc.Configuration> {
	const { organization, settings, clientSecret } = configured;
	return deps.discovery.configurationFor(
		{
			orgId: organization.id,
			issuer: settings.issuer,
			clientId: settings.clientId,
			version: settings.version,
		},
		() => discoverRelyingParty({ issuer: settings.issuer, clientId: settings.clientId, clientSecret }),
	);
}

/**
 * Counts a refusal against the client's address (the password sign-in's throttle) and audits it in the
 * organization when there is one, with the reason and the claim value, never a token or a code.
 */
async function refuse(
	tx: Executor,
	context: { configured?: Configured; client: SsoClient; now: Date },
	facts: RefusalFacts,
): Promise<SsoRefusal> {
	await countIpFailure(tx, context.client.ip, context.now);
	const { configured } = context;
	if (configured) {
		const { organization, settings } = configured;
		const entity = facts.user
			? { entityType: "User", entityId: facts.user.id, entityName: facts.user.userName }
			: { entityType: "Organization", entityId: organization.id, entityName: organization.slug };
		const event: OperatorEvent = {
			action: "SSO_SIGN_IN_REFUSED",
			...entity,
			metadata: {
				reason: facts.reason,
				issuer: settings.issuer,
				matchAttribute: settings.matchAttribute,
				claim: settings.matchClaim,
				claimValue: facts.claimValue ?? null,
				...(facts.detail ? { detail: facts.detail } : {}),
				...(facts.idpError ? { idpError: facts.idpError } : {}),
				ip: context.client.ip ?? null,
				userAgent: context.client.userAgent ?? null,
			},
		};
		await recordOperatorEvents(tx, organization.id, SSO_ACTOR, [event]);
	}
	return { ok: false, reason: facts.reason };
}

/** A refusal outside any other transaction. */
function refuseNow(
	deps: SsoDeps,
	context: { configured?: Configured; client: SsoClient; now: Date },
	facts: RefusalFacts,
): Promise<SsoRefusal> {
	return deps.db.transaction((tx) => refuse(tx, context, facts));
}

/**
 * Begins single sign-on for the organization `slug`: discovers its IdP and returns the authorization
 * request to send the browser to (code flow, PKCE S256, fresh state and nonce) with the pending login
 * the browser must bring back, sealed. `next` is kept only when it is a path on this site.
 */
export async function startSsoSignIn(
	deps: SsoDeps,
	input: { slug: string; next: unknown; client: SsoClient; now?: Date },
): Promise<SsoStarted | SsoRefusal> {
	const now = input.now ?? new Date();
	const base = { client: input.client, now };
	if (await ipBlockedUntil(deps.db, input.client.ip, now)) return { ok: false, reason: "throttled" };
	const configured = await configuredOrganization(deps, input.slug);
	if (!configured) return refuseNow(deps, base, { reason: "not_configured" });
	const context = { ...base, configured };
	let configuration: oidc.Configuration;
	try {
		configuration = await configurationOf(deps, configured);
	} catch (error) {
		return idpUnreachable(deps, context, error);
	}
	const codeVerifier = oidc.randomPKCECodeVerifier();
	const state = oidc.randomState();
	const nonce = oidc.randomNonce();
	const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
		redirect_uri: ssoRedirectUri(input.client.origin, configured.organization.slug),
		scope: SSO_SCOPES,
		response_type: "code",
		code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: "S256",
		state,
		nonce,
	});
	const pendingLogin = sealPendingLogin(
		{
			orgId: configured.organization.id,
			version: configured.settings.version,
			state,
			nonce,
			codeVerifier,
			next: safeNextPath(input.next) ?? "/",
			startedAt: now.getTime(),
		},
		deps.secret,
	);
	return { ok: true, authorizationUrl: authorizationUrl.href, pendingLogin };
}

function idpUnreachable(
	deps: SsoDeps,
	context: { configured: Configured; client: SsoClient; now: Date },
	error: unknown,
): Promise<SsoRefusal> {
	const detail = idpProblem(error, context.configured.settings.issuer);
	deps.logger.warn({ org: context.configured.organization.slug, detail }, "single sign-on: the IdP failed");
	return refuseNow(deps, context, { reason: "idp_error", detail });
}

/** The callback's parameters Roster reads, or undefined when one is repeated or too long to be real. */
function callbackParameters(query: URLSearchParams): URLSearchParams | undefined {
	const kept = new URLSearchParams();
	for (const name of CALLBACK_PARAMETERS) {
		const values = query.getAll(name);
		if (values.length > 1) return undefined;
		const [value] = values;
		if (value === undefined) continue;
		if (value.length > MAX_PARAMETER_LENGTH) return undefined;
		kept.set(name, value);
	}
	return kept;
}

/** An IdP error code fit for the audit trail: OAuth codes are short ASCII words; anything else is not one. */
function idpErrorCode(value: string | undefined): string {
	return value && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : "unrecognised";
}

/** Sorts a failed code exchange into its refusal: the IdP said no, the code is spent, or the answer failed a check. */
function exchangeRefusal(error: unknown, issuer: string): RefusalFacts {
	if (error instanceof oidc.AuthorizationResponseError) {
		return { reason: "idp_error", idpError: idpErrorCode(error.error), detail: idpProblem(error, issuer) };
	}
	if (error instanceof oidc.ResponseBodyError) {
		const idpError = idpErrorCode(error.error);
		return {
			reason: idpError === "invalid_grant" ? "expired" : "idp_error",
			idpError,
			detail: idpProblem(error, issuer),
		};
	}
	if (error instanceof oidc.ClientError && error.code !== "OAUTH_TIMEOUT") {
		// openid-client's own message is generic ("invalid response encountered"); the check that failed is under it.
		const failed = error.cause instanceof Error ? error.cause.message : error.message;
		return { reason: "invalid_response", detail: failed.slice(0, 300) };
	}
	return { reason: "idp_error", detail: idpProblem(error, issuer) };
}

/** The claim the organization matches users with, as text, or undefined when the ID token lacks it. */
function claimValueOf(claims: oidc.IDToken, name: string): string | undefined {
	const value = claims[name];
	const text = typeof value === "number" ? String(value) : value;
	return typeof text === "string" && text !== "" && text.length <= MAX_CLAIM_LENGTH ? text : undefined;
}

/**
 * Finishes single sign-on at the callback: checks the pending login (present, sealed by Roster, for this
 * organization and its current settings, under 10 minutes old), exchanges the code with the PKCE verifier
 * and checks the ID token (signature, issuer, audience, expiry, nonce), then matches the user in this
 * organization only by the configured rule. A provisioned, active user with a tier above NONE gets a
 * console session exactly as a password sign-in does; anyone else is refused. Every outcome is audited.
 */
export async function finishSsoSignIn(
	deps: SsoDeps,
	input: {
		slug: string;
		query: URLSearchParams;
		pendingLogin: string | undefined;
		client: SsoClient;
		now?: Date;
	},
): Promise<SsoSignedIn | SsoRefusal> {
	const now = input.now ?? new Date();
	const base = { client: input.client, now };
	if (await ipBlockedUntil(deps.db, input.client.ip, now)) return { ok: false, reason: "throttled" };
	const configured = await configuredOrganization(deps, input.slug);
	if (!configured) return refuseNow(deps, base, { reason: "not_configured" });
	const context = { ...base, configured };
	const { organization, settings } = configured;

	const parameters = callbackParameters(input.query);
	if (!parameters) {
		return refuseNow(deps, context, {
			reason: "invalid_response",
			detail: "The callback's parameters are malformed",
		});
	}
	const opened = openPendingLogin(input.pendingLogin, deps.secret, now);
	if (!opened.ok) {
		return refuseNow(
			deps,
			context,
			opened.problem === "expired"
				? { reason: "expired", detail: "No sign-in begun in this browser in the last 10 minutes" }
				: { reason: "invalid_response", detail: "The pending sign-in cookie was not made by Roster" },
		);
	}
	const pending = opened.login;
	if (pending.orgId !== organization.id) {
		return refuseNow(deps, context, {
			reason: "invalid_response",
			detail: "The sign-in was begun for another organization",
		});
	}
	if (pending.version !== settings.version) {
		return refuseNow(deps, context, {
			reason: "expired",
			detail: "The single sign-on settings changed during the sign-in",
		});
	}

	let claims: oidc.IDToken | undefined;
	try {
		const configuration = await configurationOf(deps, configured);
		const callback = new URL(ssoRedirectUri(input.client.origin, organization.slug));
		callback.search = parameters.toString();
		const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
			pkceCodeVerifier: pending.codeVerifier,
			expectedState: pending.state,
			expectedNonce: pending.nonce,
			idTokenExpected: true,
		});
		claims = tokens.claims();
	} catch (error) {
		const facts = exchangeRefusal(error, settings.issuer);
		if (facts.reason === "idp_error") {
			deps.logger.warn({ org: organization.slug, detail: facts.detail }, "single sign-on: the IdP refused");
		}
		return refuseNow(deps, context, facts);
	}
	const claimValue = claims ? claimValueOf(claims, settings.matchClaim) : undefined;
	if (!claims || claimValue === undefined) {
		return refuseNow(deps, context, {
			reason: "invalid_response",
			detail: `The ID token carries no usable "${settings.matchClaim}" claim`,
		});
	}
	const subject = claims.sub;
	return deps.db.transaction(async (tx): Promise<SsoSignedIn | SsoRefusal> => {
		const match = await matchUser(tx, organization.id, {
			attribute: settings.matchAttribute,
			value: claimValue,
		});
		if (match.kind !== "one") {
			const detail =
				match.kind === "ambiguous"
					? `More than one user has this ${settings.matchAttribute}`
					: `No provisioned user has this ${settings.matchAttribute}`;
			return refuse(tx, context, { reason: "not_provisioned", claimValue, detail });
		}
		const { user } = match;
		if (!user.isActive) return refuse(tx, context, { reason: "inactive", user, claimValue });
		if (user.tier === "NONE") return refuse(tx, context, { reason: "no_access", user, claimValue });
		const created = await createSession(tx, {
			userId: user.id,
			secret: deps.secret,
			ip: input.client.ip,
			userAgent: input.client.userAgent,
			now,
		});
		await recordOperatorEvents(tx, organization.id, SSO_ACTOR, [
			{
				action: "SSO_SIGN_IN",
				entityType: "User",
				entityId: user.id,
				entityName: user.userName,
				metadata: {
					issuer: settings.issuer,
					subject,
					matchAttribute: settings.matchAttribute,
					claim: settings.matchClaim,
					claimValue,
					sessionId: created.session.id,
					ip: input.client.ip ?? null,
					userAgent: input.client.userAgent ?? null,
				},
			},
		]);
		return { ok: true, token: created.token, expiresAt: created.session.expiresAt, next: pending.next };
	});
}
