import { ScimError } from "@roster/scim";
import type { Context } from "hono";

const JSON_MEDIA_TYPES = new Set(["application/scim+json", "application/json"]);

/** Largest accepted body: a full member list of a very large group still fits. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

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
	if (Number.isFinite(declared) && declared > maxBytes) {
		throw new ScimError(413, undefined, `The body exceeds the limit of ${maxBytes} bytes.`);
	}
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.byteLength > maxBytes) {
		throw new ScimError(413, undefined, `The body exceeds the limit of ${maxBytes} bytes.`);
	}
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
