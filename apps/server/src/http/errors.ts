import { SCIM_ERROR_SCHEMA, ScimError } from "@roster/scim";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./variables.ts";

const SCIM_PATH = /^\/(?:organizations\/[^/]+\/)?scim(?:\/|$)/;

/** True for both SCIM mount points, so SCIM clients always get SCIM-shaped errors. */
export function isScimPath(path: string): boolean {
	return SCIM_PATH.test(path);
}

/** Renders a body with the SCIM media type (RFC 7644 §3.1). */
export function scimJson(c: Context, status: ContentfulStatusCode, body: unknown): Response {
	return c.body(JSON.stringify(body), status, { "Content-Type": "application/scim+json" });
}

/**
 * The one place errors become responses: `ScimError` keeps its status, anything unexpected is logged
 * with its stack and answered with a request id only, so stacks never reach a client.
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
	const requestId = c.get("requestId");
	const logger = c.get("logger");
	if (error instanceof ScimError) {
		if (error.status >= 500) logger?.error({ err: error }, "SCIM error");
		return scimJson(c, error.status as ContentfulStatusCode, error.toJSON());
	}
	const status = error instanceof HTTPException ? error.status : 500;
	if (status >= 500) logger?.error({ err: error }, "unhandled error");
	const message = status >= 500 ? "Internal server error" : error.message || "Bad request";
	if (isScimPath(c.req.path)) {
		return scimJson(c, status, {
			schemas: [SCIM_ERROR_SCHEMA],
			status: String(status),
			detail: `${message} (request id ${requestId})`,
		});
	}
	return c.json({ error: message, requestId }, status);
};

/** Unknown routes: a SCIM error body under the SCIM mounts (also when SCIM is disabled), JSON elsewhere. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) => {
	if (isScimPath(c.req.path)) {
		return scimJson(c, 404, new ScimError(404, undefined, "Resource not found").toJSON());
	}
	return c.json({ error: "Not found", requestId: c.get("requestId") }, 404);
};
