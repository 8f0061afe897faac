import type { Context } from "hono";
import { type BodyRefusal, malformedDetail, readJsonBody } from "../http/json-body.ts";
import { ApiError } from "./errors.ts";

/** The largest body `/api/v1` accepts; its requests carry a token or a few fields, never documents. */
export const MAX_API_BODY_BYTES = 16 * 1024;

function isJsonMediaType(mediaType: string | undefined): boolean {
	return mediaType === "application/json" || (mediaType?.endsWith("+json") ?? false);
}

/**
 * A refused body in the API's error shape. A client gone mid-body is no `ApiError`: it is logged as
 * unexpected and answered 500, to nobody.
 */
function apiRefusal(refusal: BodyRefusal): Error {
	switch (refusal.reason) {
		case "media-type":
			return new ApiError(415, "unsupported_media_type", "Send the body as application/json.");
		case "too-large":
			return new ApiError(413, "payload_too_large", `The body exceeds ${refusal.maxBytes} bytes.`);
		case "aborted":
			return new Error("The client closed the connection before the body was complete.");
		default:
			return new ApiError(400, "invalid_request", malformedDetail(refusal));
	}
}

/**
 * Reads a JSON object body: JSON media type (415 otherwise), at most `MAX_API_BODY_BYTES` (413), valid
 * UTF-8 JSON nested no deeper than the SCIM bound, whose top level is an object (400 otherwise).
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
	const parsed = await readJsonBody(c, {
		maxBytes: MAX_API_BODY_BYTES,
		accepts: isJsonMediaType,
		refuse: apiRefusal,
	});
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new ApiError(400, "invalid_request", "The body must be a JSON object.");
	}
	return parsed as Record<string, unknown>;
}
