import { ScimError } from "@roster/scim";
import type { Context } from "hono";
import { type BodyRefusal, malformedDetail, readJsonBody } from "../http/json-body.ts";
import { SCIM_LIMITS } from "./limits.ts";

const JSON_MEDIA_TYPES = new Set(["application/scim+json", "application/json"]);

/** Largest accepted body outside Bulk (see `SCIM_LIMITS.maxBodyBytes`). */
export const MAX_BODY_BYTES = SCIM_LIMITS.maxBodyBytes;

/** A refused body as a SCIM error; 499 (client gone) is what the provisioning log records. */
function scimRefusal(refusal: BodyRefusal): ScimError {
	switch (refusal.reason) {
		case "media-type":
			return new ScimError(415, undefined, "Send the body as application/scim+json or application/json.");
		case "too-large":
			return new ScimError(413, undefined, `The body exceeds the limit of ${refusal.maxBytes} bytes.`);
		case "aborted":
			return new ScimError(499, undefined, "The client closed the connection before the body was complete.");
		case "encoding":
			return new ScimError(400, "invalidSyntax", "The body is not valid UTF-8.");
		default:
			return new ScimError(400, "invalidSyntax", malformedDetail(refusal));
	}
}

/**
 * Reads a SCIM request body: `application/scim+json` or `application/json` with any parameters (415
 * otherwise), at most `maxBytes` (413), well-formed UTF-8 JSON (400 `invalidSyntax`) nested no deeper than
 * `INPUT_LIMITS.maxDepth` (400 `invalidSyntax`, checked before parsing).
 */
export function readScimBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
	return readJsonBody(c, {
		maxBytes,
		accepts: (mediaType) => mediaType !== undefined && JSON_MEDIA_TYPES.has(mediaType),
		refuse: scimRefusal,
	});
}
