import type { Executor } from "@roster/db";
import type { MiddlewareHandler } from "hono";
import { noteAppKeyUse, resolveAppKey } from "../connections/app-keys.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./variables.ts";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

function unauthorized(detail: string): ApiError {
	return new ApiError(401, "unauthorized", detail);
}

/**
 * Authenticates `/api/v1` with `Authorization: Bearer <application key>`. SCIM and session tokens, and
 * unknown or revoked keys, all get the same 401. Last use is written at most once a minute per key.
 */
export function appKeyAuth(options: { db: Executor; secret: string }): MiddlewareHandler<ApiEnv> {
	return async function authenticateAppKey(c, next) {
		const header = c.req.header("authorization");
		if (!header) throw unauthorized("Authentication required: send Authorization: Bearer <application key>.");
		const match = BEARER.exec(header);
		if (!match?.[1]) throw unauthorized("Malformed Authorization header: expected Bearer <application key>.");
		const resolved = await resolveAppKey(options.db, match[1], options.secret);
		if (!resolved) throw unauthorized("The application key is not valid.");
		await noteAppKeyUse(options.db, resolved.key);
		c.set("appKey", resolved);
		await next();
	};
}
