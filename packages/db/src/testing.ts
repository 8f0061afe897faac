import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createDatabase } from "./client.ts";
import { migrate, migrationsFolder } from "./migrate.ts";
import type { DatabaseHandle } from "./types.ts";

/**
 * A migrated, private database for one test file: in-memory PGlite by default, or, when
 * `TEST_DATABASE_URL` is set, a brand-new PostgreSQL database created through that URL and dropped
 * again by `close()`. Open it in `beforeAll` and close it in `afterAll`. With `upTo` (a migration tag)
 * it is migrated only that far, as an earlier release left it; `migrate(handle)` then upgrades it.
 */
export async function createTestDatabase(options: { upTo?: string } = {}): Promise<DatabaseHandle> {
	const serverUrl = process.env.TEST_DATABASE_URL;
	const handle = serverUrl ? await createPostgresTestDatabase(serverUrl) : await createDatabase("memory://");
	await migrate(handle, options.upTo === undefined ? migrationsFolder : migrationsUpTo(options.upTo));
	return handle;
}

/** A temporary copy of the committed migrations up to and including `tag`. */
function migrationsUpTo(tag: string): string {
	const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
		entries: { tag: string }[];
	};
	const last = journal.entries.findIndex((entry) => entry.tag === tag);
	if (last < 0) throw new Error(`No migration ${tag}`);
	const entries = journal.entries.slice(0, last + 1);
	const folder = mkdtempSync(join(tmpdir(), "roster-migrations-"));
	mkdirSync(join(folder, "meta"));
	writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
	for (const entry of entries)
		copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
	return folder;
}

async function createPostgresTestDatabase(serverUrl: string): Promise<DatabaseHandle> {
	const name = `roster_t_${randomBytes(6).toString("hex")}`;
	await withAdminConnection(serverUrl, (admin) => admin.unsafe(`create database "${name}"`));
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	const handle = await createDatabase(url.toString(), { poolSize: 4, observable: true });
	const closeDatabase = handle.close;
	let closing: Promise<void> | undefined;
	handle.close = () => {
		closing ??= closeDatabase().then(() =>
			withAdminConnection(serverUrl, (admin) =>
				admin.unsafe(`drop database if exists "${name}" with (force)`),
			),
		);
		return closing;
	};
	return handle;
}

async function withAdminConnection(
	url: string,
	action: (admin: postgres.Sql) => Promise<unknown>,
): Promise<void> {
	const admin = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
	try {
		await action(admin);
	} finally {
		await admin.end({ timeout: 5 });
	}
}
