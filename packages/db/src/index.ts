import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schemaModule from "./schema/index.ts";

export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";

export type Database = PgDatabase<PgQueryResultHKT, typeof schemaModule>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseHandle {
	db: Database;
	kind: "postgres" | "pglite";
	url: string;
	ping(): Promise<void>;
	close(): Promise<void>;
}

export class DatabaseError extends Error {
	override name = "DatabaseError";
}

export function createDatabase(_url: string, _options?: { poolSize?: number }): Promise<DatabaseHandle> {
	throw new DatabaseError("createDatabase is not implemented yet");
}

export function migrate(_handle: DatabaseHandle): Promise<void> {
	throw new DatabaseError("migrate is not implemented yet");
}

export function rows<T>(_db: Database | Transaction, _query: SQL): Promise<T[]> {
	throw new DatabaseError("rows is not implemented yet");
}
