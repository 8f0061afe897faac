import type { DatabaseHandle } from "@roster/db";
import type { Config } from "./env.ts";
import type { Logger } from "./logger.ts";
import type { ScimRuntime } from "./scim/runtime.ts";

/** What `createApp` needs from boot; tests pass their own database handle and a temp console dir. */
export interface AppDeps {
	db: DatabaseHandle;
	config: Config;
	logger: Logger;
	consoleDir?: string;
	/** SCIM buffers and limiters; boot passes its own so shutdown can flush them. */
	scim?: ScimRuntime;
}
