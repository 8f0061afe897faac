import type { z } from "zod";
import { OperationError } from "../operation-error.ts";

/**
 * Validates an operator's settings change (CLI flags, later the console) against `schema`, keeping only the
 * fields actually given; a bad value or an empty change is a one-line `OperationError` naming the setting.
 */
export function parseSettingsChange<Schema extends z.ZodType<Record<string, unknown>>>(
	schema: Schema,
	input: unknown,
): z.output<Schema> {
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new OperationError(
			"invalid",
			`Invalid ${String(issue?.path[0] ?? "setting")}: ${issue?.message ?? ""}`,
		);
	}
	const given = Object.entries(parsed.data).filter((entry) => entry[1] !== undefined);
	if (given.length === 0) throw new OperationError("invalid", "Nothing to change");
	return Object.fromEntries(given) as z.output<Schema>;
}
