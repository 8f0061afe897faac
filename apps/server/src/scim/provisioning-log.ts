import { detectQuirks, ScimError } from "@roster/scim";
import type { MiddlewareHandler } from "hono";
import type { ActivityRecorder } from "./activity.ts";
import type { ScimEnv } from "./env.ts";

const SECRET_KEYS = /^(password|secret|token|authorization|cookie)$/i;
const MAX_LOGGED_JSON = 16_384;

/** Replaces secrets by name at any depth and caps the size, so the log is safe to show in the console. */
export function redactBody(body: unknown): unknown {
	if (body === undefined) return null;
	const text = JSON.stringify(body, (key, value) => (SECRET_KEYS.test(key) ? "[redacted]" : value));
	return text.length > MAX_LOGGED_JSON
		? { truncated: true, bytes: text.length }
		: (JSON.parse(text) as unknown);
}

/**
 * Records one provisioning-log row per authenticated SCIM request, failures included, through the
 * buffered recorder (never a write on the request path).
 */
export function provisioningLog(activity: ActivityRecorder): MiddlewareHandler<ScimEnv> {
	return async function logScimRequest(c, next) {
		const started = performance.now();
		c.set("scimLog", { receivedAt: new Date() });
		await next();
		const actor = c.get("scim");
		if (!actor) return;
		const notes = c.get("scimLog");
		const error = c.error instanceof ScimError ? c.error : undefined;
		activity.log({
			orgId: actor.organization.id,
			connectionId: actor.connection.id,
			method: c.req.method,
			path: c.req.path,
			status: c.res.status,
			durationMs: Math.round(performance.now() - started),
			scimType: error?.scimType ?? null,
			requestId: c.get("requestId"),
			quirks: detectQuirks(notes.requestBody),
			requestBody: redactBody(notes.requestBody),
			responseBody: error ? error.toJSON() : redactBody(notes.responseBody),
		});
	};
}
