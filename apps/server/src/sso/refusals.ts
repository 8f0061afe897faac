import type { Executor } from "@roster/db";
import type { SsoRefusalReason } from "@roster/domain/inputs/sso";
import { type OperatorActor, type OperatorEvent, recordOperatorEvents } from "../audit/operator-events.ts";
import { countIpFailure } from "../sessions/sign-in-throttle.ts";
import type { Configured, SsoDeps } from "./configured.ts";
import type { MatchedUser } from "./match.ts";

/** The browser signing in: its address (throttling, audit) and the origin Roster is reached at. */
export interface SsoClient {
	ip: string | undefined;
	userAgent: string | undefined;
	/** `PUBLIC_URL`, else the request's origin through the trusted proxies: the redirect URI's origin. */
	origin: string;
}

export type SsoRefusal = { ok: false; reason: SsoRefusalReason };

/** Where a refusal happens: who is asking, when, and for which organization once that is known. */
export interface RefusalContext {
	configured?: Configured;
	client: SsoClient;
	now: Date;
}

/** What a refusal records: the reason, and whatever is known of whom and why. */
export interface RefusalFacts {
	reason: SsoRefusalReason;
	user?: MatchedUser;
	detail?: string;
	claimValue?: string;
	idpError?: string;
}

/** Single sign-on records its own events: no operator is acting. */
export const SSO_ACTOR: OperatorActor = { type: "system", name: "single sign-on" };

/**
 * Counts a refusal against the client's address (the password sign-in's throttle) and audits it in the
 * organization when there is one, with the reason and the claim value, never a token or a code.
 */
export async function refuse(
	tx: Executor,
	context: RefusalContext,
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

/** A refusal in a transaction of its own. */
export function refuseNow(deps: SsoDeps, context: RefusalContext, facts: RefusalFacts): Promise<SsoRefusal> {
	return deps.db.transaction((tx) => refuse(tx, context, facts));
}
