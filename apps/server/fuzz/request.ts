/**
 * One fuzz request as generated: pure data, so a case number always rebuilds the same request. Ids and
 * the token are not known when generating, so `@token@`, `@user<n>@` and `@group<n>@` stand for them
 * until `materialize` swaps in the run's fixtures.
 */
export interface FuzzRequest {
	method: string;
	/** From the server root, query string included; a valid HTTP request target. */
	path: string;
	/** Sent as given; `Authorization` is absent when the case sends none. */
	headers: Record<string, string>;
	body?: string | Uint8Array;
}

/** What a run creates before its cases, so cases can address real resources. */
export interface Fixtures {
	token: string;
	userIds: readonly string[];
	groupIds: readonly string[];
}

/** The SCIM base of the default organization under its two mounts; cases pick one per request. */
export const MOUNTS = ["/scim/v2", "/organizations/default/scim/v2"] as const;

export const VALID_AUTHORIZATION = "Bearer @token@";

const MARKER = /@(token|user|group)(\d*)@/gi;

/** Replaces the markers with the token and fixture ids (the n-th id, wrapping around; upper case for `@USER0@`). */
export function materialize(request: FuzzRequest, fixtures: Fixtures): FuzzRequest {
	const swap = (text: string) =>
		text.replace(MARKER, (_match, what: string, n: string) => {
			const name = what.toLowerCase();
			if (name === "token") return fixtures.token;
			const ids = name === "user" ? fixtures.userIds : fixtures.groupIds;
			const id =
				ids.length === 0 ? "00000000-0000-4000-8000-000000000000" : (ids[Number(n) % ids.length] ?? "");
			return what === name ? id : id.toUpperCase();
		});
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) headers[name] = swap(value);
	return {
		method: request.method,
		path: swap(request.path),
		headers,
		...(request.body === undefined
			? {}
			: { body: typeof request.body === "string" ? swap(request.body) : request.body }),
	};
}

/**
 * Percent-encodes every byte an HTTP request line cannot carry (controls, space, non-ASCII), leaving
 * `%` alone so malformed escapes reach the server as generated. Every generated path goes through it,
 * so each case can be sent by any HTTP client.
 */
export function requestTarget(path: string): string {
	let out = "";
	for (const char of path) {
		const code = char.codePointAt(0) ?? 0;
		if (code > 0x20 && code < 0x7f && char !== "#") out += char;
		else
			for (const byte of Buffer.from(char, "utf8"))
				out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}

/** Keeps a header value sendable by any HTTP client: printable ASCII and tabs only. */
export function headerValue(value: string): string {
	return value.replace(/[^\t\x20-\x7e]/g, "?");
}

/**
 * `encodeURIComponent` that never throws: a lone surrogate becomes U+FFFD (as UTF-8 does) instead of
 * a URIError, so any generated text can sit in a query string.
 */
export function percentEncode(text: string): string {
	let out = "";
	for (const byte of Buffer.from(text, "utf8")) {
		const char = String.fromCharCode(byte);
		out += /[A-Za-z0-9\-_.!~*'()]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}
