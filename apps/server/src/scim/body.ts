import { IncomingMessage } from "node:http";
import { INPUT_LIMITS, ScimError } from "@roster/scim";
import type { Context } from "hono";
import { parseJsonBody } from "../http/json-body.ts";
import { SCIM_LIMITS } from "./limits.ts";

const JSON_MEDIA_TYPES = new Set(["application/scim+json", "application/json"]);

/** Largest accepted body outside Bulk (see `SCIM_LIMITS.maxBodyBytes`). */
export const MAX_BODY_BYTES = SCIM_LIMITS.maxBodyBytes;

function tooLarge(maxBytes: number): ScimError {
	return new ScimError(413, undefined, `The body exceeds the limit of ${maxBytes} bytes.`);
}

/**
 * Reads the body straight from Node's request when @hono/node-server serves the app: going through
 * the WHATWG Request builds an AbortController, a web stream and a second Request per body, a few
 * percent of the server's CPU on a POST. Past `maxBytes` the rest is drained unread, so the client
 * still gets its 413. A client that disconnects mid-body ends the request there (499, nobody to answer).
 */
async function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
	const chunks: Buffer[] = [];
	let size = 0;
	let complete = true;
	try {
		for await (const chunk of incoming as AsyncIterable<Buffer>) {
			size += chunk.length;
			if (size <= maxBytes) chunks.push(chunk);
		}
	} catch {
		complete = false;
	}
	if (!complete || incoming.readableAborted || !incoming.complete) {
		throw new ScimError(499, undefined, "The client closed the connection before the body was complete.");
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
 * otherwise), at most `maxBytes` (413), well-formed JSON (400 `invalidSyntax`) nested no deeper than
 * `INPUT_LIMITS.maxDepth` (400 `invalidSyntax`, checked before parsing).
 */
export async function readScimBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
	const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
	if (!mediaType || !JSON_MEDIA_TYPES.has(mediaType)) {
		throw new ScimError(415, undefined, "Send the body as application/scim+json or application/json.");
	}
	const declared = Number(c.req.header("content-length"));
	if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
	const parsed = parseJsonBody(await readBytes(c, maxBytes));
	if (parsed.ok) return parsed.value;
	switch (parsed.reason) {
		case "depth":
			throw new ScimError(
				400,
				"invalidSyntax",
				`The body nests objects and arrays deeper than ${INPUT_LIMITS.maxDepth} levels.`,
			);
		case "encoding":
			throw new ScimError(400, "invalidSyntax", "The body is not valid UTF-8.");
		default:
			throw new ScimError(400, "invalidSyntax", "The body is not valid JSON.");
	}
}
