import type { SQL } from "drizzle-orm";
import type { Database, Transaction } from "./types.ts";

/**
 * Runs raw SQL and returns its rows as plain objects. postgres-js answers with an array and PGlite
 * with `{ rows }`; this hides the difference so raw queries read the same on both drivers.
 */
export async function rows<T>(db: Database | Transaction, query: SQL): Promise<T[]> {
	const result: unknown = await db.execute(query);
	if (Array.isArray(result)) return [...result] as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}
