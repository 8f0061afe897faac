import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ScimEnv } from "./variables.ts";

export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/** A ListResponse (RFC 7644 §3.4.2) with integer counts and a capital-R `Resources`, as IdPs require. */
export function listResponse(
	resources: unknown[],
	totalResults: number,
	startIndex: number,
	extra: { nextCursor?: string; previousCursor?: string } = {},
) {
	return {
		schemas: [LIST_RESPONSE_SCHEMA],
		totalResults,
		startIndex,
		itemsPerPage: resources.length,
		...extra,
		Resources: resources,
	};
}

/** Answers with `application/scim+json` and notes the body, and the text sent, for the provisioning log. */
export function scimResponse(
	c: Context<ScimEnv>,
	status: ContentfulStatusCode,
	body: unknown,
	headers: Record<string, string> = {},
): Response {
	const text = JSON.stringify(body);
	const notes = c.get("scimLog");
	if (notes) {
		notes.responseBody = body;
		notes.responseJson = text;
	}
	return c.body(text, status, { ...headers, "Content-Type": "application/scim+json" });
}
