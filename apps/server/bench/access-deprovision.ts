import { mapGroupToTier, withServices } from "./access-setup.ts";
import { bareKeys, sequentialResult, versusBare } from "./bare/baseline.ts";
import type { BenchContext } from "./context.ts";
import type { BenchDatabase } from "./database.ts";
import { resourceId, type ScimHttp } from "./http.ts";
import { type LoadResult, percentile, timed } from "./load.ts";
import { entraGroup } from "./scim-bodies.ts";
import type { ResultRow } from "./table.ts";

const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const WARMUP_USERS = 20;
const GOAL_VS_BARE = 0.5;

/** How many users are deprovisioned: `BENCH_DEPROVISION_USERS`, else 1,000 (capped by `BENCH_USERS`). */
export function deprovisionUserCount(ctx: BenchContext): number {
	const raw = process.env.BENCH_DEPROVISION_USERS;
	const parsed = raw ? Number(raw) : Math.min(1_000, ctx.options.lookupUsers);
	if (!Number.isInteger(parsed) || parsed <= WARMUP_USERS) {
		throw new Error(`BENCH_DEPROVISION_USERS must be an integer above ${WARMUP_USERS}, got "${raw}"`);
	}
	return parsed;
}

/** Inserts `count` active SCIM users named `<prefix>-<i>@bench.example`; returns their ids. */
export async function insertDeprovisionUsers(
	db: BenchDatabase,
	prefix: string,
	count: number,
): Promise<string[]> {
	const users = await db.sql<{ id: string }[]>`
		insert into users (org_id, user_name, connection_id, auth_method, attributes)
		select ${db.orgId}, ${prefix} || '-' || i || '@bench.example', ${db.connectionId}, 'SCIM', '{}'::jsonb
		from generate_series(1, ${count}::int) as i
		returning id`;
	return users.map((user) => user.id);
}

/** Gives each user a console session, then ANALYZEs so the deactivations run on production plans. */
export async function giveSessions(db: BenchDatabase, ids: readonly string[]): Promise<void> {
	await db.sql`
		insert into sessions (user_id, token_hash, expires_at)
		select id, md5(random()::text || id::text), now() + interval '1 day' from unnest(${ids}::uuid[]) as id`;
	await db.sql`analyze users`;
	await db.sql`analyze sessions`;
}

/**
 * Deactivates the users one by one with Entra's `Replace active "False"` PATCH, timing each request
 * after the first few, and checks after each that its session is gone and its tier is NONE.
 */
export async function measureDeprovisions(
	http: ScimHttp,
	db: BenchDatabase,
	ids: readonly string[],
): Promise<{ latenciesMs: number[]; seconds: number }> {
	const deactivate = async (id: string) => {
		await http.expect(200, "PATCH", `/Users/${id}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
	};
	const latenciesMs: number[] = [];
	const started = Date.now();
	for (const [index, id] of ids.entries()) {
		if (index < WARMUP_USERS) await deactivate(id);
		else await timed(latenciesMs, () => deactivate(id));
		const [left] = await db.sql<{ sessions: number; tier: string }[]>`
			select (select count(*)::int from sessions where user_id = ${id}) as sessions,
				(select access_tier::text from users where id = ${id}) as tier`;
		if (left?.sessions !== 0 || left.tier !== "NONE") {
			throw new Error(`user ${id} kept ${left?.sessions} sessions and tier ${left?.tier} after deactivation`);
		}
	}
	return { latenciesMs, seconds: (Date.now() - started) / 1000 };
}

/**
 * Deprovisioning latency: N users, each ADMIN through a mapped group and signed in with a session, are
 * deactivated one by one with Entra's `Replace active "False"` PATCH. Each sample runs from the start of
 * the request to its answer; the session row is gone by then (it is deleted in the write's transaction),
 * which is checked after every request so no sample counts a deactivation that left a session behind.
 */
export async function deprovisionWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { http, db } = ctx;
	const count = deprovisionUserCount(ctx);
	const stamp = Date.now();
	const groupName = `bench-staff-${stamp}`;
	const groupId = ctx.hasGroups
		? resourceId(await http.expect(201, "POST", "/Groups", entraGroup(groupName)))
		: undefined;
	const ids = await insertDeprovisionUsers(db, `deprov-${stamp}`, count);
	if (groupId !== undefined) {
		await db.sql`insert into group_members (group_id, user_id) select ${groupId}, unnest(${ids}::uuid[])`;
		await withServices(db, (handle) => mapGroupToTier(handle, groupName, "ADMIN"));
	}
	await giveSessions(db, ids);
	const { latenciesMs, seconds } = await measureDeprovisions(http, db, ids);
	const result: LoadResult = sequentialResult(latenciesMs);
	const bare = versusBare(ctx, bareKeys.deprovision, result, GOAL_VS_BARE);
	return [
		{
			workload: `deprovision: PATCH active "False" → sessions gone (${latenciesMs.length.toLocaleString("en-US")} users)`,
			clients: 1,
			ops: latenciesMs.length,
			opsPerSecond: ids.length / seconds,
			p50Ms: percentile(latenciesMs, 0.5),
			p99Ms: percentile(latenciesMs, 0.99),
			verdict: `each: session deleted, tier ADMIN→NONE in the write's tx${groupId ? "" : " (no /Groups: tier NONE before)"}; ${bare.text}`,
			...(bare.passed === undefined ? {} : { passed: bare.passed }),
		},
	];
}
