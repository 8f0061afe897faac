import type { MiddlewareHandler } from "hono";
import type { Logger } from "../logger.ts";
import { isScimPath } from "./errors.ts";
import type { AppEnv } from "./variables.ts";

/**
 * Logs one line per request: method, path without its query string (filters and tokens can ride
 * there), status, duration and request id. Successful SCIM requests log at `debug`: the provisioning
 * log already records each of them, and an IdP sync sends thousands. Everything else logs at `info`.
 * Also gives handlers a child logger bound to the request id.
 */
export function requestLog(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
	return async function logRequest(c, next) {
		const started = performance.now();
		const requestId = c.get("requestId");
		c.set("logger", options.logger.child({ requestId }));
		await next();
		const status = c.res.status;
		const level = status < 400 && isScimPath(c.req.path) ? "debug" : "info";
		if (!options.logger.isLevelEnabled(level)) return;
		options.logger[level](
			{
				requestId,
				method: c.req.method,
				path: c.req.path,
				status,
				durationMs: Math.round((performance.now() - started) * 10) / 10,
			},
			"request",
		);
	};
}
