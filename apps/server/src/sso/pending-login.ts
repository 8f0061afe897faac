import { DecryptionError, decrypt, encrypt } from "../security/encryption.ts";
import { ssoKeyring } from "./keyring.ts";

/** A sign-in begun at the IdP must come back within this long (the pending-login cookie's lifetime). */
export const PENDING_LOGIN_TTL_MS = 10 * 60_000;

/** A sealed pending login longer than this is not one Roster made. */
const MAX_SEALED_LENGTH = 4096;

/** Tells a pending-login blob from any other value sealed with the same keyring. */
const PURPOSE = "roster/sso-pending-login/v1";

/** What the callback needs to finish a sign-in begun at the IdP; it lives only in the browser, sealed. */
export interface PendingLogin {
	orgId: string;
	/** The settings version the sign-in began under; a save since then makes it start again. */
	version: number;
	state: string;
	nonce: string;
	codeVerifier: string;
	/** The same-origin path to go to once signed in. */
	next: string;
	/** Epoch milliseconds. */
	startedAt: number;
}

/** Seals a pending login with AES-256-GCM, so the browser can carry it but neither read nor change it. */
export function sealPendingLogin(login: PendingLogin, secret: string): string {
	return encrypt(JSON.stringify({ purpose: PURPOSE, ...login }), ssoKeyring(secret));
}

/** Why a pending login cannot be used: gone or too old (`expired`), or not one Roster sealed (`invalid`). */
export type OpenedPendingLogin =
	| { ok: true; login: PendingLogin }
	| { ok: false; problem: "expired" | "invalid" };

function isPendingLogin(value: unknown): value is PendingLogin & { purpose: string } {
	if (!value || typeof value !== "object") return false;
	const v = value as Record<string, unknown>;
	return (
		v.purpose === PURPOSE &&
		["orgId", "state", "nonce", "codeVerifier", "next"].every((key) => typeof v[key] === "string") &&
		Number.isInteger(v.version) &&
		Number.isInteger(v.startedAt)
	);
}

/** Opens the pending-login cookie: missing or older than `PENDING_LOGIN_TTL_MS` is expired; anything else wrong is invalid. */
export function openPendingLogin(sealed: string | undefined, secret: string, now: Date): OpenedPendingLogin {
	if (sealed === undefined || sealed === "") return { ok: false, problem: "expired" };
	if (sealed.length > MAX_SEALED_LENGTH) return { ok: false, problem: "invalid" };
	let parsed: unknown;
	try {
		parsed = JSON.parse(decrypt(sealed, ssoKeyring(secret)));
	} catch (error) {
		if (error instanceof DecryptionError || error instanceof SyntaxError)
			return { ok: false, problem: "invalid" };
		throw error;
	}
	if (!isPendingLogin(parsed)) return { ok: false, problem: "invalid" };
	const { purpose: _purpose, ...login } = parsed;
	const age = now.getTime() - login.startedAt;
	if (age < 0 || age > PENDING_LOGIN_TTL_MS) return { ok: false, problem: "expired" };
	return { ok: true, login };
}
