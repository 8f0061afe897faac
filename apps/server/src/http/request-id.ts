import { randomUUID } from "node:crypto";
import { ServerResponse } from "node:http";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./variables.ts";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Correlates logs across a proxy or IdP: an incoming `X-Request-Id` made of safe characters is kept,
 * anything else is replaced by a UUID; the id is echoed on every response. Under @hono/node-server the
 * header is set on Node's response, which merges it into whatever the app answers: set through Hono
 * (`c.header`), it would give every response a WHATWG `Headers` object that @hono/node-server then copies
 * back into a plain one, instead of the plain header object its fast path writes as is (decision 0205).
 */
export function requestId(options: { header?: string } = {}): MiddlewareHandler<AppEnv> {
	const header = options.header ?? "X-Request-Id";
	return async function assignRequestId(c, next) {
		const incoming = c.req.header(header);
		const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
		c.set("requestId", id);
		const outgoing: unknown = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
		if (outgoing instanceof ServerResponse) outgoing.setHeader(header, id);
		else c.header(header, id);
		await next();
	};
}
