import { adminCommands } from "./admins.ts";
import { appKeyCommands } from "./app-keys.ts";
import { auditCommands } from "./audit.ts";
import type { Command } from "./command.ts";
import { connectionCommands } from "./connections.ts";
import { dbCommands } from "./db.ts";
import { jobCommands } from "./jobs.ts";
import { mappingCommands } from "./mappings.ts";
import { orgCommands } from "./orgs.ts";
import { userCommands } from "./users.ts";
import { webhookCommands } from "./webhooks.ts";

/** Every operator command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
	...orgCommands,
	...mappingCommands,
	...connectionCommands,
	...adminCommands,
	...dbCommands,
	...appKeyCommands,
	...auditCommands,
	...jobCommands,
	...userCommands,
	...webhookCommands,
];
