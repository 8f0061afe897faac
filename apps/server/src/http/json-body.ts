import { INPUT_LIMITS } from "@roster/scim";

/** A request body parsed as JSON, or why it was not: each reader turns the reason into its own error. */
export type JsonBody =
	| { ok: true; value: unknown }
	| { ok: false; reason: "encoding" | "syntax" }
	| { ok: false; reason: "depth"; maxDepth: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether objects and arrays nest deeper than `maxDepth`, found in one pass over the bytes without
 * recursion (UTF-8 continuation bytes never look like ASCII punctuation). Malformed input may miscount; it
 * fails in `JSON.parse` afterwards anyway.
 */
function nestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
	let depth = 0;
	let inString = false;
	for (let index = 0; index < bytes.length; index++) {
		const byte = bytes[index];
		if (inString) {
			if (byte === BACKSLASH) index++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
			if (++depth > maxDepth) return true;
		} else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
			depth--;
		}
	}
	return false;
}

/**
 * Parses a request body as UTF-8 JSON no deeper than `INPUT_LIMITS.maxDepth`: the depth is checked first,
 * so nothing that walks the value recursively afterwards (quirk detection, normalisation, the PATCH engine,
 * redaction, logging) can overflow the stack. Shared by the SCIM and `/api/v1` readers.
 */
export function parseJsonBody(bytes: Uint8Array): JsonBody {
	const maxDepth = INPUT_LIMITS.maxDepth;
	if (nestsDeeperThan(bytes, maxDepth)) return { ok: false, reason: "depth", maxDepth };
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return { ok: false, reason: "encoding" };
	}
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, reason: "syntax" };
	}
}
