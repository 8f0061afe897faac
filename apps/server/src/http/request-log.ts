import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { Logger } from "../logger.ts";

/**
 * Logs one line per request: method, path without its query string (filters and tokens can ride
 * there), status, duration and request id. Also gives handlers a child logger bound to the request id.
 */
export function requestLog(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
	return async function logRequest(c, next) {
		const started = performance.now();
		const requestId = c.get("requestId");
		c.set("logger", options.logger.child({ requestId }));
		await next();
		options.logger.info(
			{
				requestId,
				method: c.req.method,
				path: c.req.path,
				status: c.res.status,
				durationMs: Math.round((performance.now() - started) * 10) / 10,
			},
			"request",
		);
	};
}
