import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { handleInternals, oneLine } from "./client.ts";
import { DatabaseError } from "./errors.ts";
import type { DatabaseHandle } from "./types.ts";

/** The committed migrations, found next to this package's source whatever the working directory. */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Arbitrary but fixed key of the PostgreSQL advisory lock that serializes migrations across replicas. */
const MIGRATION_LOCK_KEY = 7_305_112_802;

/**
 * Applies every committed migration not yet applied. Idempotent; calls on one handle run one after
 * another, and on PostgreSQL replicas starting together wait for each other on an advisory lock.
 * `folder` defaults to the committed migrations (tests pass an older subset to build a database as an
 * earlier release left it).
 */
export function migrate(handle: DatabaseHandle, folder: string = migrationsFolder): Promise<void> {
	const state = handleInternals(handle);
	const run = state.queue.then(() =>
		state.kind === "postgres" ? migrateOnPostgres(state.url, folder) : migrateOnPglite(state.client, folder),
	);
	state.queue = run.catch(() => {});
	return run;
}

async function migrateOnPglite(client: PGlite, folder: string): Promise<void> {
	const db: PgliteDatabase = drizzlePglite({ client, casing: "snake_case" });
	try {
		await migratePglite(db, { migrationsFolder: folder });
	} catch (error) {
		throw new DatabaseError(`Migration failed: ${oneLine(error)}`);
	}
}

async function migrateOnPostgres(url: string, folder: string): Promise<void> {
	const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
	const db = drizzlePostgres({ client, casing: "snake_case" });
	try {
		await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
		try {
			await migratePostgres(db, { migrationsFolder: folder });
		} finally {
			await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
		}
	} catch (error) {
		throw new DatabaseError(`Migration failed: ${oneLine(error)}`);
	} finally {
		await client.end({ timeout: 5 });
	}
}
