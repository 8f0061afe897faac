import type { Database } from "@roster/db";
import type { Context } from "hono";
import { responseProfile } from "../connections/settings.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { clientSignal } from "./client-gone.ts";
import { clientIp } from "./client-ip.ts";
import type { ScimEnv } from "./variables.ts";

/**
 * The operations' context of one SCIM request, from what the middleware set on the Hono context. Its
 * `signal` is built when first read: only writes watch for a client that went away, and reads (most of an
 * IdP's requests) would otherwise pay an AbortController and a `close` listener each (decision 0205).
 */
export function scimContext(c: Context<ScimEnv>, deps: { db: Database; secret: string }): ScimContext {
	const actor = c.get("scim");
	const userAgent = c.req.header("user-agent");
	let signal: AbortSignal | undefined;
	return {
		db: deps.db,
		actor,
		base: c.get("scimBase"),
		secret: deps.secret,
		profile: responseProfile(actor.settings, userAgent),
		request: { requestId: c.get("requestId"), ip: clientIp(c), userAgent },
		notes: c.get("scimLog"),
		get signal() {
			signal ??= clientSignal(c);
			return signal;
		},
	};
}
