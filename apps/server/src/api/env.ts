import type { AppEnv } from "../app-env.ts";
import type { ResolvedAppKey } from "../services/app-keys.ts";

/** Variables of the `/api/v1` sub-app on top of the app-wide ones. */
export interface ApiEnv {
	Variables: AppEnv["Variables"] & {
		/** The application key the request authenticated with; every route is scoped to its organization. */
		appKey: ResolvedAppKey;
	};
}
