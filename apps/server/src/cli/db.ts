import type { Command } from "./command.ts";

/** `db migrate`: the runner applies migrations before every command, so there is nothing left to do. */
export const dbCommands: Command[] = [
	{
		name: "db migrate",
		usage: [],
		description: "apply migrations",
		transaction: false,
		async run() {
			return ["Migrations applied"];
		},
	},
];
