import type { AppEnv } from "../http/variables.ts";
import type { ScimActor, ScimLogNotes } from "../provisioning/context.ts";

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
