import { createHash, randomBytes } from "node:crypto";
import {
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDatabase, handleInternals } from "./client.ts";
import { migrate, migrationsFolder } from "./migrate.ts";
import type { DatabaseHandle } from "./types.ts";

/**
 * A migrated, private database for one test file: in-memory PGlite by default, or, when
 * `TEST_DATABASE_URL` is set, a brand-new PostgreSQL database created through that URL and dropped
 * again by `close()`. Open it in `beforeAll` and close it in `afterAll`. With `upTo` (a migration tag)
 * it is migrated only that far, as an earlier release left it; `migrate(handle)` then upgrades it.
 * Each starts as a copy of a migrated template, because initializing PGlite and migrating cost
 * seconds per database while a copy costs a fraction of one (decision 0223). The seeded default
 * organization gets a new id per copy, as a fresh migration would give it: caches keyed by organization
 * id are shared by the test files of one process.
 */
export async function createTestDatabase(options: { upTo?: string } = {}): Promise<DatabaseHandle> {
	const folder = options.upTo === undefined ? migrationsFolder : migrationsUpTo(options.upTo);
	const serverUrl = process.env.TEST_DATABASE_URL;
	const handle = serverUrl
		? await createPostgresTestDatabase(serverUrl, folder)
		: await createPgliteTestDatabase(folder);
	await handle.db.execute(sql`update organizations set id = gen_random_uuid() where slug = 'default'`);
	return handle;
}

/** Names a template by the migrations it holds, so an edited or added migration makes a new one. */
function migrationsHash(folder: string): string {
	const hash = createHash("sha256");
	for (const file of readdirSync(folder)
		.filter((name) => name.endsWith(".sql"))
		.sort()) {
		hash.update(file).update(readFileSync(join(folder, file)));
	}
	return hash.digest("hex").slice(0, 16);
}

/**
 * PGlite from a tarball of a migrated data directory, kept in the temporary directory so every test
 * file (each its own process) reuses it. Written to a private name and renamed, so a reader never sees
 * half of one and workers racing to make it only waste the work.
 */
async function createPgliteTestDatabase(folder: string): Promise<DatabaseHandle> {
	const dir = join(tmpdir(), "roster-test-templates");
	const file = join(dir, `pglite-${migrationsHash(folder)}.tar`);
	let image: Blob;
	try {
		image = new Blob([readFileSync(file)]);
	} catch {
		const template = await createDatabase("memory://");
		try {
			await migrate(template, folder);
			const internals = handleInternals(template);
			if (internals.kind !== "pglite") throw new Error("memory:// opened something other than PGlite");
			image = await internals.client.dumpDataDir("none");
		} finally {
			await template.close();
		}
		mkdirSync(dir, { recursive: true });
		const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
		writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
		renameSync(partial, file);
	}
	return createDatabase("memory://", { pgliteImage: image });
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

/** A PostgreSQL database cloned from a migrated template database (`create database … template`). */
async function createPostgresTestDatabase(serverUrl: string, folder: string): Promise<DatabaseHandle> {
	const template = await postgresTemplate(serverUrl, folder);
	const name = `roster_t_${randomBytes(6).toString("hex")}`;
	await withAdminConnection(serverUrl, (admin) =>
		admin.unsafe(`create database "${name}" template "${template}"`),
	);
	const handle = await createDatabase(databaseUrl(serverUrl, name), { poolSize: 4, observable: true });
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

/**
 * The migrated template for `folder`, made once per server: under an advisory lock so concurrent test
 * files wait for the first, and migrated under a private name then renamed, so a run killed midway
 * leaves no half-migrated template behind.
 */
async function postgresTemplate(serverUrl: string, folder: string): Promise<string> {
	const name = `roster_template_${migrationsHash(folder)}`;
	await withAdminConnection(serverUrl, async (admin) => {
		await admin`select pg_advisory_lock(hashtext(${name}))`;
		const [found] = await admin`select 1 from pg_database where datname = ${name}`;
		if (found) return;
		const building = `${name}_${randomBytes(4).toString("hex")}`;
		await admin.unsafe(`create database "${building}"`);
		const handle = await createDatabase(databaseUrl(serverUrl, building), { poolSize: 1 });
		try {
			await migrate(handle, folder);
		} finally {
			await handle.close();
		}
		await admin.unsafe(`alter database "${building}" rename to "${name}"`);
	});
	return name;
}

function databaseUrl(serverUrl: string, name: string): string {
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return url.toString();
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
