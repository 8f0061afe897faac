import type { Database } from "@roster/db";
import type { Context } from "hono";
import { type ResponseProfile, responseProfile } from "../connections/settings.ts";
import { clientSignal } from "./client-gone.ts";
import { clientIp } from "./client-ip.ts";
import type { ScimActor, ScimEnv, ScimLogNotes } from "./variables.ts";

/** Everything a SCIM operation needs besides its input; built once per request (and per Bulk operation). */
export interface ScimContext {
	db: Database;
	actor: ScimActor;
	/** Absolute base URL of the SCIM mount, for `meta.location`. */
	base: string;
	secret: string;
	profile: ResponseProfile;
	request: { requestId: string; ip: string | undefined; userAgent: string | undefined };
	notes: ScimLogNotes;
	/** Aborts when the client disconnects before its answer: long work checks it and stops. */
	signal: AbortSignal;
}

export function scimContext(c: Context<ScimEnv>, deps: { db: Database; secret: string }): ScimContext {
	const actor = c.get("scim");
	const userAgent = c.req.header("user-agent");
	return {
		db: deps.db,
		actor,
		base: c.get("scimBase"),
		secret: deps.secret,
		profile: responseProfile(actor.settings, userAgent),
		request: { requestId: c.get("requestId"), ip: clientIp(c), userAgent },
		notes: c.get("scimLog"),
		signal: clientSignal(c),
	};
}
