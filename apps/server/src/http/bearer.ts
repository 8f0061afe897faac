const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

/**
 * The credential of `Authorization: Bearer <credential>` (RFC 6750 token characters, at most 512), for
 * the adapters that require one (SCIM, `/api/v1`): each words `missing` and `malformed` as its own 401.
 */
export function bearerCredential(
	header: string | undefined,
): { ok: true; credential: string } | { ok: false; reason: "missing" | "malformed" } {
	if (!header) return { ok: false, reason: "missing" };
	const credential = BEARER.exec(header)?.[1];
	return credential ? { ok: true, credential } : { ok: false, reason: "malformed" };
}
