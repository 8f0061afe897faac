import { detectQuirks, ScimError } from "@roster/scim";
import type { MiddlewareHandler } from "hono";
import type { ActivityRecorder } from "./activity.ts";
import type { ScimEnv } from "./env.ts";

const SECRET_KEYS = /^(password|secret|token|authorization|cookie)$/i;
const SECRET_KEY_IN_JSON = /"(?:password|secret|token|authorization|cookie)":/i;
const MAX_LOGGED_JSON = 16_384;

/**
 * A body as JSON text for the log, with secrets replaced by name at any depth and the size capped, so
 * the log is safe to show in the console. Serialised once: the replacer only runs when the plain text
 * names a secret key (JSON.stringify never escapes letters, so such a key always shows).
 */
export function redactedJson(body: unknown): string {
	if (body === undefined) return "null";
	let text = JSON.stringify(body) ?? "null";
	if (SECRET_KEY_IN_JSON.test(text)) {
		text = JSON.stringify(body, (key, value) => (SECRET_KEYS.test(key) ? "[redacted]" : value));
	}
	return text.length > MAX_LOGGED_JSON ? JSON.stringify({ truncated: true, bytes: text.length }) : text;
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
			occurredAt: notes.receivedAt,
			method: c.req.method,
			path: c.req.path,
			status: c.res.status,
			durationMs: Math.round(performance.now() - started),
			scimType: error?.scimType ?? null,
			requestId: c.get("requestId"),
			quirks: [
				...detectQuirks(notes.requestBody),
				...(notes.unusableRoles ?? []).map((role) => `unusable-role:${role}`),
			],
			requestBodyJson: redactedJson(notes.requestBody),
			responseBodyJson: error ? JSON.stringify(error.toJSON()) : redactedJson(notes.responseBody),
		});
	};
}
