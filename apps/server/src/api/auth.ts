import type { DatabaseHandle } from "@roster/db";
import type { MiddlewareHandler } from "hono";
import { appKeyCache, noteAppKeyUse, resolveAppKey } from "../connections/app-keys.ts";
import { bearerCredential } from "../http/bearer.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./variables.ts";

function unauthorized(detail: string): ApiError {
	return new ApiError(401, "unauthorized", detail);
}

/**
 * Authenticates `/api/v1` with `Authorization: Bearer <application key>`. SCIM and session tokens, and
 * unknown or revoked keys, all get the same 401. Last use is written at most once a minute per key.
 * Live keys are cached per database handle while its credential listener is connected (decision 0194).
 */
export function appKeyAuth(options: { db: DatabaseHandle; secret: string }): MiddlewareHandler<ApiEnv> {
	const db = options.db.db;
	const cache = appKeyCache(options.db);
	return async function authenticateAppKey(c, next) {
		const bearer = bearerCredential(c.req.header("authorization"));
		if (!bearer.ok) {
			throw unauthorized(
				bearer.reason === "missing"
					? "Authentication required: send Authorization: Bearer <application key>."
					: "Malformed Authorization header: expected Bearer <application key>.",
			);
		}
		const resolved = await resolveAppKey(db, bearer.credential, options.secret, cache);
		if (!resolved) throw unauthorized("The application key is not valid.");
		await noteAppKeyUse(db, resolved.key);
		c.set("appKey", resolved);
		await next();
	};
}
