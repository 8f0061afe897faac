import { type SQL, sql } from "drizzle-orm";

/**
 * Validated UUIDs as ONE array parameter: the statement text and its plan never depend on the count.
 * Callers pass ids already checked with `isUuid` or read from the database.
 */
export function uuidArray(ids: readonly string[]): SQL {
	return sql`${`{${ids.join(",")}}`}::text::uuid[]`;
}

/** Integers as one array parameter, like `uuidArray`. */
export function intArray(values: readonly number[]): SQL {
	return sql`${`{${values.join(",")}}`}::text::int[]`;
}
