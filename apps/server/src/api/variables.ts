import type { ResolvedAppKey } from "../connections/app-keys.ts";
import type { AppEnv } from "../http/variables.ts";

/** Variables of the `/api/v1` sub-app on top of the app-wide ones: a Hono `Env` type, not configuration. */
export interface ApiEnv {
	Variables: AppEnv["Variables"] & {
		/** The application key the request authenticated with; every route is scoped to its organization. */
		appKey: ResolvedAppKey;
	};
}
