import type { Executor } from "@roster/db";
import { ScimError } from "@roster/scim";
import type { MiddlewareHandler } from "hono";
import type { ActivityRecorder } from "../audit/activity-recorder.ts";
import { resolveScimToken, type ScimTokenCache } from "../connections/scim-tokens.ts";
import { type ConnectionSettings, readConnectionSettings } from "../connections/settings.ts";
import { bearerCredential } from "../http/bearer.ts";
import { clientIp } from "./client-ip.ts";
import type { ScimEnv } from "./variables.ts";

const MAX_CACHED_SETTINGS = 256;
const parsedSettings = new Map<string, ConnectionSettings>();

/**
 * A connection's settings, validated once per distinct stored value instead of once per request. The
 * key is the stored JSON itself, so a changed setting is read on the very next request; the parsed
 * objects are frozen because requests share them.
 */
function settingsOf(raw: unknown): ConnectionSettings {
	const key = JSON.stringify(raw ?? null);
	let settings = parsedSettings.get(key);
	if (!settings) {
		const parsed = readConnectionSettings(raw);
		settings = Object.freeze({ ...parsed, rateLimit: Object.freeze({ ...parsed.rateLimit }) });
		if (parsedSettings.size >= MAX_CACHED_SETTINGS) parsedSettings.clear();
		parsedSettings.set(key, settings);
	}
	return settings;
}

function unauthorized(detail: string): ScimError {
	return new ScimError(401, undefined, detail);
}

/**
 * Resolves `Authorization: Bearer` → token → connection → organization with one indexed query, or from
 * `tokens` (the runtime's cache, kept current by the credential triggers' notifications). Unknown,
 * revoked and expired tokens look the same to the client (401). On `/organizations/{slug}/scim/v2` a
 * token of another organization gets 404, as does an organization with SCIM switched off. Last use is
 * buffered in memory and written in batches, never on the request path.
 */
export function scimAuth(options: {
	db: Executor;
	secret: string;
	activity: ActivityRecorder;
	tokens?: ScimTokenCache;
}): MiddlewareHandler<ScimEnv> {
	return async function authenticateScim(c, next) {
		const bearer = bearerCredential(c.req.header("authorization"));
		if (!bearer.ok) {
			throw unauthorized(
				bearer.reason === "missing"
					? "Authentication required: send Authorization: Bearer <token>."
					: "Malformed Authorization header: expected Bearer <token>.",
			);
		}
		const resolved = await resolveScimToken(
			options.db,
			bearer.credential,
			options.secret,
			new Date(),
			options.tokens,
		);
		if (!resolved) throw unauthorized("The bearer token is not valid.");
		const slug = c.req.param("slug");
		if (slug !== undefined && slug !== resolved.organization.slug) {
			throw new ScimError(404, undefined, "Resource not found");
		}
		if (!resolved.organization.scimEnabled) throw new ScimError(404, undefined, "Resource not found");
		options.activity.touchToken(resolved.token.id, clientIp(c));
		c.set("scim", { ...resolved, settings: settingsOf(resolved.connection.settings) });
		await next();
	};
}
