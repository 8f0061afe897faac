import type { Organization, ScimConnection, ScimToken } from "@roster/db";
import type { ConnectionSettings } from "../connections/settings.ts";
import type { AppEnv } from "../http/variables.ts";

/** Who a SCIM request acts for, set by the auth middleware before any route runs. */
export interface ScimActor {
	organization: Organization;
	connection: ScimConnection;
	token: ScimToken;
	settings: ConnectionSettings;
}

/** What a route hands the provisioning log besides status and timing. */
export interface ScimLogNotes {
	requestBody?: unknown;
	responseBody?: unknown;
	/** When the request reached Roster: offboarding evidence compares it with when access ended. */
	receivedAt: Date;
	/** Role URNs the request sent that role resolution could not use, with the reason. */
	unusableRoles?: string[];
}

/** Variables of the SCIM sub-app on top of the app-wide ones: a Hono `Env` type, not configuration. */
export interface ScimEnv {
	Variables: AppEnv["Variables"] & {
		scim: ScimActor;
		/** Absolute base URL of the SCIM mount the client used, for `meta.location` and `Location`. */
		scimBase: string;
		scimLog: ScimLogNotes;
		/** The client's address (see `clientAddress`); absent without a socket. */
		clientIp: string | undefined;
	};
}
