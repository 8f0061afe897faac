import type { DatabaseHandle } from "@roster/db";
import type { Config } from "./env.ts";
import type { Logger } from "./logger.ts";

/** What `createApp` needs from boot; tests pass their own database handle and a temp console dir. */
export interface AppDeps {
	db: DatabaseHandle;
	config: Config;
	logger: Logger;
	consoleDir?: string;
}

/** Variables every handler can read with `c.get(...)`, declared once for the whole app. */
export interface AppEnv {
	Variables: {
		requestId: string;
		logger: Logger;
	};
}
