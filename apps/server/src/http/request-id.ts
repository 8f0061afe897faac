import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./variables.ts";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Correlates logs across a proxy or IdP: an incoming `X-Request-Id` made of safe characters is kept,
 * anything else is replaced by a UUID; the id is echoed on every response.
 */
export function requestId(options: { header?: string } = {}): MiddlewareHandler<AppEnv> {
	const header = options.header ?? "X-Request-Id";
	return async function assignRequestId(c, next) {
		const incoming = c.req.header(header);
		const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
		c.set("requestId", id);
		c.header(header, id);
		await next();
	};
}
