import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.ts";

/** One Drizzle type over both drivers, so callers never branch on PostgreSQL versus PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The `tx` handed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Operations run on the database or inside a caller's transaction, so one command stays atomic. */
export type Executor = Database | Transaction;

/** An open database: the Drizzle instance plus what the server needs for readiness and shutdown. */
export interface DatabaseHandle {
	db: Database;
	kind: "postgres" | "pglite";
	/** The URL with any password redacted, safe to log. */
	url: string;
	/** Runs `SELECT 1`; rejects when the database does not answer (used by `/readyz`). */
	ping(): Promise<void>;
	/** Closes connections and releases the PGlite directory lock; calling it again does nothing. */
	close(): Promise<void>;
}
