import type { Logger } from "../logger.ts";

/** Variables every handler can read with `c.get(...)`, declared once for the whole app: a Hono `Env` type, not configuration. */
export interface AppEnv {
	Variables: {
		requestId: string;
		logger: Logger;
	};
}
