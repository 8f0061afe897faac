import type { Context } from "hono";
import { parseJsonBody } from "../http/json-body.ts";
import { ApiError } from "./errors.ts";

/** The largest body `/api/v1` accepts; its requests carry a token or a few fields, never documents. */
export const MAX_API_BODY_BYTES = 16 * 1024;

function isJsonMediaType(header: string | undefined): boolean {
	const mediaType = header?.split(";")[0]?.trim().toLowerCase();
	return mediaType === "application/json" || (mediaType?.endsWith("+json") ?? false);
}

/**
 * Reads a JSON object body: JSON media type (415 otherwise), at most `MAX_API_BODY_BYTES` (413), valid
 * UTF-8 JSON nested no deeper than the SCIM bound, whose top level is an object (400 otherwise).
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
	if (!isJsonMediaType(c.req.header("content-type"))) {
		throw new ApiError(415, "unsupported_media_type", "Send the body as application/json.");
	}
	const declared = Number(c.req.header("content-length"));
	const tooLarge = new ApiError(413, "payload_too_large", `The body exceeds ${MAX_API_BODY_BYTES} bytes.`);
	if (Number.isFinite(declared) && declared > MAX_API_BODY_BYTES) throw tooLarge;
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.byteLength > MAX_API_BODY_BYTES) throw tooLarge;
	const body = parseJsonBody(bytes);
	if (!body.ok) {
		const detail =
			body.reason === "depth"
				? `The body nests objects and arrays deeper than ${body.maxDepth} levels.`
				: "The body is not valid JSON.";
		throw new ApiError(400, "invalid_request", detail);
	}
	const parsed = body.value;
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new ApiError(400, "invalid_request", "The body must be a JSON object.");
	}
	return parsed as Record<string, unknown>;
}
