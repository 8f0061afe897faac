import { parseArgs } from "node:util";
import { createDatabase, type DatabaseHandle, migrate } from "@roster/db";
import { loadConfig } from "../env.ts";
import { describeFailure } from "../failure.ts";
import { OperationError } from "../operation-error.ts";
import { type Command, flagsOf, requiredFlagsOf, type Values } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { need } from "./flags.ts";
import { renderUsage } from "./usage.ts";

const HELP = ["--help", "-h", "help"];

/**
 * Runs one operator command: migrations first, then the command. A command that writes runs in one
 * transaction, its audit events included, so a failure leaves nothing half-created; its output is
 * printed once that transaction has committed. Returns the exit code; errors are one line on stderr.
 */
export async function runCli(argv: string[]): Promise<number> {
	const [first] = argv;
	if (first === undefined || HELP.includes(first)) {
		process.stdout.write(renderUsage(COMMANDS));
		return first === undefined ? 1 : 0;
	}
	let handle: DatabaseHandle | undefined;
	try {
		const name = argv.slice(0, 2).join(" ");
		const command = COMMANDS.find((candidate) => candidate.name === name);
		if (!command) throw new OperationError("invalid", `Unknown command "${name}"; run pnpm roster --help`);
		const values = parseFlags(command, argv.slice(2));
		if (values === "help") {
			process.stdout.write(renderUsage(COMMANDS));
			return 0;
		}
		const config = loadConfig(values["database-url"] ? { DATABASE_URL: values["database-url"] } : {});
		handle = await createDatabase(config.databaseUrl);
		await migrate(handle);
		const context = { values, secret: config.secret, config };
		const { db } = handle;
		const lines = command.transaction
			? await db.transaction((tx) => command.run({ ...context, db: tx }))
			: await command.run({ ...context, db, stdout: process.stdout });
		for (const line of lines) process.stdout.write(`${line}\n`);
		return 0;
	} catch (error) {
		process.stderr.write(`${describeFailure(error)}\n`);
		return 1;
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

/** The command's string flags (unknown ones refused), or "help" when `--help` was among them. */
function parseFlags(command: Command, args: string[]): Values | "help" {
	const { values } = parseArgs({
		args,
		options: {
			...Object.fromEntries(
				flagsOf(command).map(({ flag, value }) => [
					flag,
					{ type: value === undefined ? "boolean" : "string" },
				]),
			),
			"database-url": { type: "string" },
			help: { type: "boolean", short: "h" },
		},
		strict: true,
		allowPositionals: false,
	});
	if (values.help) return "help";
	const strings = Object.fromEntries(
		Object.entries(values)
			.filter(([flag]) => flag !== "help")
			.map(([flag, value]) => [flag, String(value)]),
	);
	for (const flag of requiredFlagsOf(command)) need(strings, flag);
	return strings;
}
