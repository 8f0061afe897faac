import { detectQuirks, isSecretAttributePath, ScimError, secretAttributeNames } from "@roster/scim";
import type { MiddlewareHandler } from "hono";
import type { ActivityRecorder } from "../audit/activity-recorder.ts";
import type { ScimEnv } from "./variables.ts";

const CREDENTIAL_NAMES = ["token", "secret", "authorization", "cookie"];
const CREDENTIAL_NAME = new RegExp(`^(?:${CREDENTIAL_NAMES.join("|")})$`, "i");
const SECRET_ATTRIBUTE_NAMES = [...secretAttributeNames].map((name) =>
	name.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&"),
);
const NAMES_A_SECRET_ATTRIBUTE = new RegExp(SECRET_ATTRIBUTE_NAMES.join("|"), "i");
const MIGHT_NAME_A_SECRET = new RegExp([...SECRET_ATTRIBUTE_NAMES, ...CREDENTIAL_NAMES].join("|"), "i");
const PATH_KEY = /^path$/i;
const PATCH_OPERATION_KEY = /^(?:op|path)$/i;
const FILTER_KEY = /^filter$/i;
const MAX_LOGGED_JSON = 16_384;
const REDACTED = "[redacted]";

function isSecretKey(key: string): boolean {
	if (!MIGHT_NAME_A_SECRET.test(key)) return false;
	return isSecretAttributePath(key) || key.split(/[:.]/).some((name) => CREDENTIAL_NAME.test(name.trim()));
}

/** A `/.search` filter comparing a secret attribute carries the secret as its literal. */
function isSecretFilter(key: string, value: unknown): boolean {
	return typeof value === "string" && FILTER_KEY.test(key) && NAMES_A_SECRET_ATTRIBUTE.test(value);
}

/**
 * A PATCH operation (RFC 7644 §3.5.2) whose `path` names a secret: everything but `op` and `path` is its
 * value. A path of another JSON type counts when its text names one (bodies walked here are at most 16 KiB).
 */
function isSecretOperation(node: Record<string, unknown>): boolean {
	for (const key in node) {
		if (!PATH_KEY.test(key)) continue;
		const path = node[key];
		if (
			typeof path === "string"
				? isSecretAttributePath(path)
				: NAMES_A_SECRET_ATTRIBUTE.test(JSON.stringify(path) ?? "")
		) {
			return true;
		}
	}
	return false;
}

type Container = Record<string, unknown> | unknown[];

function hasToJson(value: unknown): value is { toJSON(): unknown } {
	return (
		typeof value === "object" &&
		value !== null &&
		typeof (value as { toJSON?: unknown }).toJSON === "function"
	);
}

/**
 * A copy of a JSON body with every secret replaced, at any depth (Bulk `data` included): keys naming a
 * secret attribute (any case, URN-qualified, dotted as in a path-less PATCH value) or a credential, the
 * value of every PATCH operation whose path names one, and a search filter that names one. Values with
 * `toJSON` (dates) are copied as JSON.stringify would write them, and a `__proto__` key as an ordinary
 * key. Iterative, so no body is too deep for it.
 */
function withoutSecrets(body: unknown): unknown {
	const pending: [source: Container, target: Container][] = [];
	function copy(original: unknown): unknown {
		const value = hasToJson(original) ? original.toJSON() : original;
		if (typeof value !== "object" || value === null) return value;
		const target: Container = Array.isArray(value) ? [] : {};
		pending.push([value as Container, target]);
		return target;
	}
	const root = copy(body);
	for (let next = pending.pop(); next; next = pending.pop()) {
		const [source, target] = next;
		if (Array.isArray(source)) {
			for (const item of source) (target as unknown[]).push(copy(item));
			continue;
		}
		const out = target as Record<string, unknown>;
		const secretOperation = isSecretOperation(source);
		for (const key in source) {
			const secret =
				isSecretKey(key) ||
				isSecretFilter(key, source[key]) ||
				(secretOperation && !PATCH_OPERATION_KEY.test(key));
			const kept = secret ? REDACTED : copy(source[key]);
			if (key === "__proto__") Object.defineProperty(out, key, { value: kept, enumerable: true });
			else out[key] = kept;
		}
	}
	return root;
}

function jsonOrTooDeep(body: unknown): string {
	try {
		return JSON.stringify(body) ?? "null";
	} catch (error) {
		if (error instanceof RangeError) return JSON.stringify({ truncated: true, reason: "too deeply nested" });
		throw error;
	}
}

/**
 * A body as JSON text for the log, with every secret removed (see `withoutSecrets`) and the size capped,
 * so the log is safe to store and show in the console. The redacting copy is only made when the plain
 * text contains a secret's name somewhere (JSON.stringify never escapes letters, so such a name always
 * shows); a body over the cap is logged as its size alone, with nothing of it to redact. `json`, when
 * given, is `JSON.stringify(body)` already made (the response as sent), and is not made again.
 */
export function redactedJson(body: unknown, json?: string): string {
	if (body === undefined) return "null";
	const text = json ?? jsonOrTooDeep(body);
	if (text.length > MAX_LOGGED_JSON) return JSON.stringify({ truncated: true, bytes: text.length });
	return MIGHT_NAME_A_SECRET.test(text) ? JSON.stringify(withoutSecrets(body)) : text;
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
			responseBodyJson: error
				? redactedJson(error.toJSON())
				: redactedJson(notes.responseBody, notes.responseJson),
		});
	};
}
