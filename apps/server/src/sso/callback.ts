import * as oidc from "openid-client";
import { idpProblem } from "./discovery.ts";
import type { RefusalFacts } from "./refusals.ts";

/** Parameters of the IdP's answer Roster reads; anything else in the callback address is ignored. */
const CALLBACK_PARAMETERS = ["code", "state", "iss", "error", "error_description", "session_state"] as const;
const MAX_PARAMETER_LENGTH = 4096;
const MAX_CLAIM_LENGTH = 1024;

/** The callback's parameters Roster reads, or undefined when one is repeated or too long to be real. */
export function callbackParameters(query: URLSearchParams): URLSearchParams | undefined {
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
export function exchangeRefusal(error: unknown, issuer: string): RefusalFacts {
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
export function claimValueOf(claims: oidc.IDToken, name: string): string | undefined {
	const value = claims[name];
	const text = typeof value === "number" ? String(value) : value;
	return typeof text === "string" && text !== "" && text.length <= MAX_CLAIM_LENGTH ? text : undefined;
}
