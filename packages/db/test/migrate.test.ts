import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle, migrate, migrationsFolder, rows } from "../src/index.ts";

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
	entries: unknown[];
};

async function appliedMigrations(handle: DatabaseHandle): Promise<number> {
	const [row] = await rows<{ n: number }>(
		handle.db,
		sql`select count(*) as n from drizzle.__drizzle_migrations`,
	);
	return row?.n ?? 0;
}

describe("migrate", () => {
	it("applies each migration once when called concurrently on one handle", async () => {
		const handle = await createDatabase("memory://");
		try {
			await Promise.all([migrate(handle), migrate(handle), migrate(handle)]);
			expect(await appliedMigrations(handle)).toBe(journal.entries.length);
		} finally {
			await handle.close();
		}
	});
});

const serverUrl = process.env.TEST_DATABASE_URL;
const replicaCases = serverUrl ? [serverUrl] : [];

describe.each(replicaCases)("migrate on PostgreSQL (%s)", (url) => {
	const name = `roster_t_${randomBytes(6).toString("hex")}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	afterAll(async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`);
		await admin.end();
	});

	it("lets replicas starting together migrate a fresh database without conflict", async () => {
		await admin.unsafe(`create database "${name}"`);
		const target = new URL(url);
		target.pathname = `/${name}`;
		const replicas = await Promise.all(
			[1, 2, 3].map(() => createDatabase(target.toString(), { poolSize: 2 })),
		);
		try {
			await Promise.all(replicas.map((replica) => migrate(replica)));
			for (const replica of replicas) expect(await appliedMigrations(replica)).toBe(journal.entries.length);
		} finally {
			await Promise.all(replicas.map((replica) => replica.close()));
		}
	});
});
