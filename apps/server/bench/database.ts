import { randomBytes } from "node:crypto";
import { createDatabase, type DatabaseHandle, migrate, scimConnections } from "@roster/db";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { createScimToken } from "../src/connections/scim-tokens.ts";
import { requireOrganization } from "../src/organizations/organizations.ts";

/** Throttling high enough that the rate limiter is checked on every request but never answers 429. */
const UNTHROTTLED = { rateLimit: { requestsPerSecond: 100_000 } };

/**
 * Gives a connection the highest rate limit an operator can set (`--rate-limit 100000`), so load and
 * fuzz runs measure the handlers instead of 429s.
 */
export async function unthrottleConnection(db: DatabaseHandle["db"], connectionId: string): Promise<void> {
	await db.update(scimConnections).set({ settings: UNTHROTTLED }).where(eq(scimConnections.id, connectionId));
}

/**
 * How the server child reaches the database: the TCP URL, or with `socketDir` a host-less URL plus
 * PGHOST/PGUSER, which postgres-js turns into a Unix-socket connection.
 */
export function serverConnection(
	db: BenchDatabase,
	socketDir: string | undefined,
): { databaseUrl: string; env: Record<string, string> } {
	if (socketDir === undefined) return { databaseUrl: db.url, env: {} };
	const user = decodeURIComponent(new URL(db.url).username) || "postgres";
	return { databaseUrl: `postgres:///${db.name}`, env: { PGHOST: socketDir, PGUSER: user } };
}

/** A throw-away, migrated PostgreSQL database with one SCIM token, owned by one benchmark run. */
export interface BenchDatabase {
	url: string;
	name: string;
	secret: string;
	token: string;
	orgId: string;
	connectionId: string;
	/** postgres-js for the raw floor and for seeding, sized for the benchmark's client count. */
	sql: postgres.Sql;
	drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
	const target = new URL(url);
	target.pathname = `/${name}`;
	return target.toString();
}

/**
 * Creates `<namePrefix>_<timestamp>` (default `roster_bench_…`) next to the admin URL's database, applies the committed
 * migrations with the server's own migrator, and issues an unthrottled token on the default
 * organization, exactly as an operator would before pointing an IdP at Roster.
 */
export async function createBenchDatabase(
	adminUrl: string,
	poolSize: number,
	options: { logStatements?: boolean; namePrefix?: string } = {},
): Promise<BenchDatabase> {
	const name = `${options.namePrefix ?? "roster_bench"}_${Date.now()}`;
	const url = withDatabase(adminUrl, name);
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`CREATE DATABASE ${name}`);
	if (options.logStatements) await admin.unsafe(`ALTER DATABASE ${name} SET log_statement = 'all'`);
	const drop = async () => {
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end({ timeout: 5 });
	};
	try {
		const secret = randomBytes(32).toString("base64url");
		const handle = await createDatabase(url, { poolSize: 2 });
		let issued: Awaited<ReturnType<typeof createScimToken>>;
		try {
			await migrate(handle);
			const organization = await requireOrganization(handle.db, "default");
			issued = await createScimToken(handle.db, {
				organization,
				connectionName: "bench",
				createdBy: "bench",
				secret,
			});
			await unthrottleConnection(handle.db, issued.connection.id);
		} finally {
			await handle.close();
		}
		const sql = postgres(url, { max: poolSize, onnotice: () => {} });
		return {
			url,
			name,
			secret,
			token: issued.token,
			orgId: issued.row.orgId,
			connectionId: issued.connection.id,
			sql,
			async drop() {
				await sql.end({ timeout: 5 });
				await drop();
			},
		};
	} catch (error) {
		await drop();
		throw error;
	}
}

/** The userName of the `index`-th seeded user; lookups and group members are drawn from these. */
export function seededUserName(index: number): string {
	return `seed-${index}@bench.example`;
}

/**
 * Inserts seeded users `from`..`to - 1` in one `INSERT … SELECT generate_series` (fast enough for
 * 100,000 rows in seconds), shaped like SCIM-provisioned users, then ANALYZEs them and their search text
 * (`user_search`, written by trigger) so plans match production, where autovacuum would have.
 */
export async function seedUsers(db: BenchDatabase, from: number, to: number): Promise<void> {
	if (to <= from) return;
	await db.sql`
		insert into users (org_id, user_name, email, display_name, given_name, family_name, external_id,
			connection_id, auth_method, attributes)
		select ${db.orgId}, 'seed-' || i || '@bench.example', 'seed-' || i || '@bench.example',
			'Seed User ' || i, 'Seed', 'User ' || i, 'seed-ext-' || i, ${db.connectionId}, 'SCIM', '{}'::jsonb
		from generate_series(${from}::int, ${to - 1}::int) as i`;
	await db.sql`analyze users`;
	await db.sql`analyze user_search`;
}

/** The ids of seeded users `from`..`to - 1`, in index order. */
export async function seededUserIds(db: BenchDatabase, from: number, to: number): Promise<string[]> {
	const rows = await db.sql<{ id: string }[]>`
		select u.id from generate_series(${from}::int, ${to - 1}::int) as i
		join users u on u.org_id = ${db.orgId} and lower(u.user_name) = 'seed-' || i || '@bench.example'
		order by i`;
	return rows.map((row) => row.id);
}

/** Makes seeded users `from`..`to - 1` members of a group in one statement, then ANALYZEs the table. */
export async function seedMembers(
	db: BenchDatabase,
	groupId: string,
	from: number,
	to: number,
): Promise<void> {
	await db.sql`
		insert into group_members (group_id, user_id)
		select ${groupId}, u.id from generate_series(${from}::int, ${to - 1}::int) as i
		join users u on u.org_id = ${db.orgId} and lower(u.user_name) = 'seed-' || i || '@bench.example'
		on conflict do nothing`;
	await db.sql`analyze group_members`;
}
