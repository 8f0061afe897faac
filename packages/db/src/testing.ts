import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase } from "./client.ts";
import { migrate } from "./migrate.ts";
import type { DatabaseHandle } from "./types.ts";

/**
 * A migrated, private database for one test file: in-memory PGlite by default, or, when
 * `TEST_DATABASE_URL` is set, a brand-new PostgreSQL database created through that URL and dropped
 * again by `close()`. Open it in `beforeAll` and close it in `afterAll`.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
	const serverUrl = process.env.TEST_DATABASE_URL;
	const handle = serverUrl ? await createPostgresTestDatabase(serverUrl) : await createDatabase("memory://");
	await migrate(handle);
	return handle;
}

async function createPostgresTestDatabase(serverUrl: string): Promise<DatabaseHandle> {
	const name = `roster_t_${randomBytes(6).toString("hex")}`;
	await withAdminConnection(serverUrl, (admin) => admin.unsafe(`create database "${name}"`));
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	const handle = await createDatabase(url.toString(), { poolSize: 4 });
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
