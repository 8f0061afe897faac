import { safeNextPath } from "@roster/domain/inputs/sso";
import * as oidc from "openid-client";
import { recordOperatorEvents } from "../audit/operator-events.ts";
import { createSession } from "../sessions/sessions.ts";
import { ipBlockedUntil } from "../sessions/sign-in-throttle.ts";
import { callbackParameters, claimValueOf, exchangeRefusal } from "./callback.ts";
import { type Configured, configurationOf, configuredOrganization, type SsoDeps } from "./configured.ts";
import { idpProblem } from "./discovery.ts";
import { matchUser } from "./match.ts";
import { openPendingLogin, sealPendingLogin } from "./pending-login.ts";
import {
	type RefusalContext,
	refuse,
	refuseNow,
	SSO_ACTOR,
	type SsoClient,
	type SsoRefusal,
} from "./refusals.ts";
import { ssoRedirectUri } from "./settings.ts";

/** The scopes Roster asks every IdP for: the subject, the login name and the email. */
const SSO_SCOPES = "openid profile email";

/** A sign-in begun: the IdP address to send the browser to, and the pending login it must bring back. */
export type SsoStarted = { ok: true; authorizationUrl: string; pendingLogin: string };

/** A sign-in finished: the new session's token (its only copy) and where to go. */
export type SsoSignedIn = { ok: true; token: string; expiresAt: Date; next: string };

type FlowContext = RefusalContext & { configured: Configured };

/**
 * What both ends of a sign-in check first: the client's address is not throttled, and the slug names an
 * organization with single sign-on on (else `not_configured`, the same for every slug).
 */
async function openFlow(
	deps: SsoDeps,
	input: { slug: string; client: SsoClient; now?: Date },
): Promise<FlowContext | SsoRefusal> {
	const now = input.now ?? new Date();
	const base = { client: input.client, now };
	if (await ipBlockedUntil(deps.db, input.client.ip, now)) return { ok: false, reason: "throttled" };
	const configured = await configuredOrganization(deps, input.slug);
	if (!configured) return refuseNow(deps, base, { reason: "not_configured" });
	return { ...base, configured };
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
	const context = await openFlow(deps, input);
	if (!("configured" in context)) return context;
	const { configured, now } = context;
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

function idpUnreachable(deps: SsoDeps, context: FlowContext, error: unknown): Promise<SsoRefusal> {
	const detail = idpProblem(error, context.configured.settings.issuer);
	deps.logger.warn({ org: context.configured.organization.slug, detail }, "single sign-on: the IdP failed");
	return refuseNow(deps, context, { reason: "idp_error", detail });
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
	const context = await openFlow(deps, input);
	if (!("configured" in context)) return context;
	const { configured, now } = context;
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
