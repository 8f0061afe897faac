import type { Context } from "hono";
import { inputSyntax } from "../connections/settings.ts";
import { type ListQuery, type ListResult, parseListQuery } from "../provisioning/lists.ts";
import { MAX_BODY_BYTES, readScimBody } from "./body.ts";
import { listResponse, scimResponse } from "./respond.ts";
import type { ScimEnv } from "./variables.ts";

/** Reads a request's SCIM body (`readScimBody`) and notes it for the provisioning log. */
export async function loggedBody(c: Context<ScimEnv>, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
	const body = await readScimBody(c, maxBytes);
	c.get("scimLog").requestBody = body;
	return body;
}

/** The list parameters of a `.search` POST: its body when that is an object, else none. */
export async function searchParams(c: Context<ScimEnv>): Promise<Record<string, unknown>> {
	const body = await loggedBody(c);
	return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
}

/** Parses list parameters with the connection's input syntax (strict connections: the RFC's only). */
export function listQuery(c: Context<ScimEnv>, params: Record<string, unknown>, secret: string): ListQuery {
	return parseListQuery(params, secret, inputSyntax(c.get("scim").settings));
}

/** Answers a list page as a ListResponse, with `nextCursor` when cursor paging goes on. */
export function listPageResponse(c: Context<ScimEnv>, page: ListResult): Response {
	return scimResponse(
		c,
		200,
		listResponse(
			page.resources,
			page.totalResults,
			page.startIndex,
			page.nextCursor ? { nextCursor: page.nextCursor } : {},
		),
	);
}
