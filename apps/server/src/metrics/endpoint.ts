import { type Handler, Hono } from "hono";
import type { Registry } from "prom-client";
import { bearerCredential } from "../http/bearer.ts";
import type { Logger } from "../logger.ts";
import { hashSecret, secretsEqual } from "../security/tokens.ts";

/** The registry in the Prometheus text format; never cached, every scrape reads fresh values. */
async function exposition(registry: Registry): Promise<Response> {
	return new Response(await registry.metrics(), {
		headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
	});
}

/**
 * `GET /metrics` on the main port, for `Authorization: Bearer <METRICS_TOKEN>` only. Tokens are compared
 * as HMACs keyed by ROSTER_SECRET, in constant time whatever their lengths; a missing, malformed or wrong
 * token gets the same 401.
 */
export function protectedMetrics(options: { registry: Registry; token: string; secret: string }): Handler {
	const expected = hashSecret(options.token, options.secret);
	return async function serveProtectedMetrics(c) {
		const bearer = bearerCredential(c.req.header("authorization"));
		if (!bearer.ok || !secretsEqual(hashSecret(bearer.credential, options.secret), expected)) {
			c.header("WWW-Authenticate", 'Bearer realm="roster-metrics"');
			return c.json({ error: "Send Authorization: Bearer <METRICS_TOKEN>." }, 401);
		}
		return exposition(options.registry);
	};
}

/**
 * The app of the separate metrics listener (`METRICS_PORT`): `GET /metrics` without authentication, for
 * scrapers on a network the operator controls (`METRICS_HOST`), and 404 for anything else. A failure is
 * logged and answered 500 without details.
 */
export function metricsListenerApp(registry: Registry, logger: Logger): Hono {
	const app = new Hono();
	app.get("/metrics", () => exposition(registry));
	app.notFound((c) => c.json({ error: "Not found" }, 404));
	app.onError((error, c) => {
		logger.error({ err: error }, "serving metrics failed");
		return c.json({ error: "Internal server error" }, 500);
	});
	return app;
}
