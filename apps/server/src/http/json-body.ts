import { IncomingMessage } from "node:http";
import { INPUT_LIMITS } from "@roster/scim";
import type { Context } from "hono";

/** Why a request body was refused; each protocol words these as its own error (SCIM, `/api/v1`). */
export type BodyRefusal =
	| { reason: "media-type" }
	| { reason: "too-large"; maxBytes: number }
	| { reason: "aborted" }
	| { reason: "encoding" | "syntax" }
	| { reason: "depth"; maxDepth: number };

/** How one protocol reads JSON bodies: its size limit, its media types and its errors. */
export interface JsonBodyRules {
	maxBytes: number;
	/** Whether the media type (lower-cased, without parameters; undefined when absent) is accepted. */
	accepts(mediaType: string | undefined): boolean;
	/** The error thrown for a refused body. */
	refuse(refusal: BodyRefusal): Error;
}

/** The wording both protocols use for a body too deep or not JSON (SCIM words bad UTF-8 on its own). */
export function malformedDetail(
	refusal: Extract<BodyRefusal, { reason: "depth" | "encoding" | "syntax" }>,
): string {
	return refusal.reason === "depth"
		? `The body nests objects and arrays deeper than ${refusal.maxDepth} levels.`
		: "The body is not valid JSON.";
}

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
 * Parses UTF-8 JSON no deeper than `INPUT_LIMITS.maxDepth`: the depth is checked first, so nothing that
 * walks the value recursively afterwards (quirk detection, normalisation, the PATCH engine, redaction,
 * logging) can overflow the stack.
 */
function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; refusal: BodyRefusal } {
	const maxDepth = INPUT_LIMITS.maxDepth;
	if (nestsDeeperThan(bytes, maxDepth)) return { ok: false, refusal: { reason: "depth", maxDepth } };
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return { ok: false, refusal: { reason: "encoding" } };
	}
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, refusal: { reason: "syntax" } };
	}
}

/**
 * Reads the body straight from Node's request when @hono/node-server serves the app: going through
 * the WHATWG Request builds an AbortController, a web stream and a second Request per body, a few
 * percent of the server's CPU on a POST. Past `maxBytes` the rest is drained unread, so the client
 * still gets its 413. A client that disconnects mid-body is refused as `aborted`.
 */
async function readNodeBody(incoming: IncomingMessage, rules: JsonBodyRules): Promise<Uint8Array> {
	const chunks: Buffer[] = [];
	let size = 0;
	let complete = true;
	try {
		for await (const chunk of incoming as AsyncIterable<Buffer>) {
			size += chunk.length;
			if (size <= rules.maxBytes) chunks.push(chunk);
		}
	} catch {
		complete = false;
	}
	if (!complete || incoming.readableAborted || !incoming.complete) throw rules.refuse({ reason: "aborted" });
	if (size > rules.maxBytes) throw rules.refuse({ reason: "too-large", maxBytes: rules.maxBytes });
	return Buffer.concat(chunks, size);
}

async function readBytes(c: Context, rules: JsonBodyRules): Promise<Uint8Array> {
	const incoming: unknown = (c.env as { incoming?: unknown } | undefined)?.incoming;
	if (incoming instanceof IncomingMessage) return readNodeBody(incoming, rules);
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.byteLength > rules.maxBytes)
		throw rules.refuse({ reason: "too-large", maxBytes: rules.maxBytes });
	return bytes;
}

/**
 * The one JSON body reader of every HTTP adapter: the media type first (`rules.accepts`), then the size
 * (a declared Content-Length past `rules.maxBytes` is refused before reading), then UTF-8, depth and
 * syntax. Each refusal is thrown as the protocol's own error (`rules.refuse`).
 */
export async function readJsonBody(c: Context, rules: JsonBodyRules): Promise<unknown> {
	const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
	if (!rules.accepts(mediaType)) throw rules.refuse({ reason: "media-type" });
	const declared = Number(c.req.header("content-length"));
	if (Number.isFinite(declared) && declared > rules.maxBytes) {
		throw rules.refuse({ reason: "too-large", maxBytes: rules.maxBytes });
	}
	const parsed = parseJson(await readBytes(c, rules));
	if (!parsed.ok) throw rules.refuse(parsed.refusal);
	return parsed.value;
}
