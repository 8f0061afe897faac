import type { Context } from "hono";

/** The header the console's own client sends with every API call; a cross-site form or link cannot. */
export const CSRF_HEADER = "x-roster-csrf";

/**
 * Why a request cannot have come from the console itself, or null when it can: the console sends the
 * custom `x-roster-csrf: 1` header (which a `<form>` or `<img>` cannot, and a cross-origin script cannot
 * without a CORS preflight Roster never grants), and a browser's `Origin`, when sent, must be the
 * origin the request addressed. `ownOrigin` comes from `clientAddressResolver` (trusted proxies).
 */
export function crossSiteRefusal(c: Context, ownOrigin: string): string | null {
	if (c.req.header(CSRF_HEADER) !== "1") {
		return `Refused: console API calls must send the ${CSRF_HEADER}: 1 header`;
	}
	const origin = c.req.header("origin");
	if (origin !== undefined && origin.toLowerCase() !== ownOrigin) {
		return `Refused: a request from ${origin.slice(0, 200)} to ${ownOrigin} is cross-site (behind a reverse proxy? set TRUSTED_PROXIES)`;
	}
	return null;
}
