import { IncomingMessage } from "node:http";
import { ScimError } from "@roster/scim";
import type { Context } from "hono";

const JSON_MEDIA_TYPES = new Set(["application/scim+json", "application/json"]);

/** Largest accepted body: a full member list of a very large group still fits. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function tooLarge(maxBytes: number): ScimError {
	return new ScimError(413, undefined, `The body exceeds the limit of ${maxBytes} bytes.`);
}

/**
 * Reads the body straight from Node's request when @hono/node-server serves the app: going through
 * the WHATWG Request builds an AbortController, a web stream and a second Request per body, a few
 * percent of the server's CPU on a POST. Past `maxBytes` the rest is drained unread, so the client
 * still gets its 413.
 */
async function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of incoming as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size <= maxBytes) chunks.push(chunk);
	}
	if (size > maxBytes) throw tooLarge(maxBytes);
	return Buffer.concat(chunks, size);
}

async function readBytes(c: Context, maxBytes: number): Promise<Uint8Array> {
	const incoming: unknown = (c.env as { incoming?: unknown } | undefined)?.incoming;
	if (incoming instanceof IncomingMessage) return readNodeBody(incoming, maxBytes);
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
	return bytes;
}

/**
 * Reads a SCIM request body: `application/scim+json` or `application/json` with any parameters (415
 * otherwise), at most `maxBytes` (413), well-formed JSON (400 `invalidSyntax`).
 */
export async function readScimBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
	const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
	if (!mediaType || !JSON_MEDIA_TYPES.has(mediaType)) {
		throw new ScimError(415, undefined, "Send the body as application/scim+json or application/json.");
	}
	const declared = Number(c.req.header("content-length"));
	if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
	const bytes = await readBytes(c, maxBytes);
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		throw new ScimError(400, "invalidSyntax", "The body is not valid UTF-8.");
	}
	try {
		return JSON.parse(text);
	} catch {
		throw new ScimError(400, "invalidSyntax", "The body is not valid JSON.");
	}
}
