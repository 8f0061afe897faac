import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What a secret authenticates; each kind has its own prefix so leaked tokens are easy to spot and triage. */
export type SecretKind = "scim" | "appkey" | "session";

const KIND_PREFIX: Record<SecretKind, string> = {
	scim: "rst_scim_",
	appkey: "rst_app_",
	session: "rst_sess_",
};

const RANDOM_BYTES = 32;
const DISPLAY_PREFIX_LENGTH = 12;

/** A freshly issued secret: `token` is shown once, `prefix` identifies it to admins, `hash` is stored. */
export interface IssuedSecret {
	token: string;
	prefix: string;
	hash: string;
}

/**
 * Issues a bearer secret with 256 random bits behind a recognisable prefix (`rst_scim_…`), so secret
 * scanners can flag it; only its HMAC is ever stored.
 */
export function issueSecret(kind: SecretKind, secret: string): IssuedSecret {
	const token = `${KIND_PREFIX[kind]}${randomBytes(RANDOM_BYTES).toString("base64url")}`;
	return { token, prefix: token.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashSecret(token, secret) };
}

/**
 * HMAC-SHA-256 (hex) keyed by ROSTER_SECRET: a stolen database alone cannot be used to check guesses,
 * and the result is deterministic so tokens are found by an indexed lookup.
 */
export function hashSecret(token: string, secret: string): string {
	return createHmac("sha256", secret).update(token).digest("hex");
}

/** Compares two secrets or hashes in time independent of where they differ. */
export function secretsEqual(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	if (left.length !== right.length) {
		timingSafeEqual(left, left);
		return false;
	}
	return timingSafeEqual(left, right);
}
