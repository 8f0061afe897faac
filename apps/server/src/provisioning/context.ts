import type { Database, Organization, ScimConnection, ScimToken } from "@roster/db";
import type { ConnectionSettings, ResponseProfile } from "../connections/settings.ts";

/** Who a SCIM request acts for, set by the auth middleware before any route runs. */
export interface ScimActor {
	organization: Organization;
	connection: ScimConnection;
	/** The bearer token of the request; null for a write no IdP request made (a user import job). */
	token: Pick<ScimToken, "prefix"> | null;
	settings: ConnectionSettings;
}

/** What a route hands the provisioning log besides status and timing. */
export interface ScimLogNotes {
	requestBody?: unknown;
	responseBody?: unknown;
	/** `responseBody` exactly as sent (`JSON.stringify`), so the log does not serialise it again. */
	responseJson?: string;
	/** When the request reached Roster: offboarding evidence compares it with when access ended. */
	receivedAt: Date;
	/** Role URNs the request sent that role resolution could not use, with the reason. */
	unusableRoles?: string[];
	/** Set when the request deactivated or deleted a user (`ACCESS_ENDING_ACTIONS`): `/metrics` times it. */
	endedAccess?: true;
}

/**
 * Everything an IdP-driven operation needs besides its input; built once per request (and per Bulk
 * operation) by an adapter (`scim/context.ts` for HTTP). It keeps the `Scim` name because it is the
 * protocol's (a SCIM connection acts, SCIM resources answer), not the HTTP adapter's.
 */
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
