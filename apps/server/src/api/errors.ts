import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiEnv } from "./variables.ts";

/** Machine-readable reasons an `/api/v1` request failed; host applications branch on these. */
export type ApiErrorCode =
	| "unauthorized"
	| "not_found"
	| "invalid_request"
	| "unsupported_media_type"
	| "payload_too_large"
	| "internal_error";

/** The one error type of the host-application API, rendered as `{ "error": code, "detail": … }`. */
export class ApiError extends Error {
	override name = "ApiError";
	readonly status: ContentfulStatusCode;
	readonly code: ApiErrorCode;

	constructor(status: ContentfulStatusCode, code: ApiErrorCode, detail: string) {
		super(detail);
		this.status = status;
		this.code = code;
	}
}

/**
 * Errors of `/api/v1` become `{ error, detail }` JSON with their status; anything unexpected is logged
 * with its stack and answered 500 with the request id only.
 */
export const handleApiError: ErrorHandler<ApiEnv> = (error, c) => {
	if (error instanceof ApiError) {
		return c.json({ error: error.code, detail: error.message }, error.status);
	}
	if (error instanceof HTTPException && error.status < 500) {
		return c.json({ error: "invalid_request", detail: error.message || "Bad request" }, error.status);
	}
	c.get("logger")?.error({ err: error }, "unhandled error in /api/v1");
	return c.json(
		{ error: "internal_error", detail: `Internal server error (request id ${c.get("requestId")})` },
		500,
	);
};

/** Unknown `/api/v1` routes answer in the API's own error shape. */
export const apiNotFound: NotFoundHandler<ApiEnv> = (c) =>
	c.json({ error: "not_found", detail: `No route ${c.req.method} ${c.req.path}` }, 404);
