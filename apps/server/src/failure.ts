import { DatabaseError } from "@roster/db";
import { ConfigError } from "./env.ts";
import { withoutData } from "./logger.ts";
import { OperationError } from "./operation-error.ts";

/**
 * Turns any failure at boot or in a CLI command into the single line an operator sees on stderr.
 * Expected errors keep their message; for others the root cause is shown, never a query with its
 * parameters (they can hold password or token hashes) nor a value the database quotes.
 */
export function describeFailure(error: unknown): string {
	const expected =
		error instanceof ConfigError || error instanceof DatabaseError || error instanceof OperationError;
	const cause = (error as { cause?: unknown } | null)?.cause;
	const source = !expected && cause instanceof Error ? cause : error;
	const message = source instanceof Error ? source.message : String(source);
	return `Error: ${withoutData(message).replace(/\s+/g, " ").trim() || "unknown error"}`;
}
