import type { Writable } from "node:stream";
import type { Database, Transaction } from "@roster/db";
import type { Config } from "../env.ts";

/** One flag as the usage text shows it: `--slug SLUG`, or a switch without a value (`--wait`). */
export interface Flag {
	flag: string;
	value?: string;
}

/**
 * One piece of a command's synopsis, in the order `--help` prints it: a flag (required, or optional and
 * shown in brackets), or a choice of alternatives (each one or more flags) shown as `(a | b)`.
 */
export type UsagePart = (Flag & { required?: true }) | { oneOf: Flag[][] };

/** The string options a command was given, by flag name without the dashes; a switch given is `"true"`. */
export type Values = Record<string, string | undefined>;

interface CommandBase {
	/** The words that name it: `org create`. */
	name: string;
	usage: UsagePart[];
	/** One line for `--help`. */
	description: string;
}

/** A command that writes: the runner gives it one transaction, so its change and its audit commit together. */
export interface TransactionalCommand extends CommandBase {
	transaction: true;
	/** Returns the lines to print once the transaction has committed. */
	run(context: { db: Transaction; values: Values; secret: string }): Promise<string[]>;
}

/** A command that reads, or manages its own transactions; it may stream to stdout as it goes. */
export interface DirectCommand extends CommandBase {
	transaction: false;
	/** `config` is the process's validated settings, for commands that need more than the secret. */
	run(context: {
		db: Database;
		values: Values;
		secret: string;
		config: Config;
		stdout: Writable;
	}): Promise<string[]>;
}

export type Command = TransactionalCommand | DirectCommand;

/** Every flag a command accepts, alternatives included. */
export function flagsOf(command: Command): Flag[] {
	return command.usage.flatMap((part) => ("oneOf" in part ? part.oneOf.flat() : [part]));
}

/** The flags a command cannot run without. */
export function requiredFlagsOf(command: Command): string[] {
	return command.usage.flatMap((part) => ("required" in part && part.required ? [part.flag] : []));
}
