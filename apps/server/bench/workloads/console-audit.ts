import { randomInt } from "node:crypto";
import { createDatabase } from "@roster/db";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { createAdmin } from "../../src/users/admins.ts";
import type { BenchContext } from "../context.ts";
import { warmThenRun } from "../load.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";

/** Audit events and provisioning-log rows seeded in the bench organization. */
const ROWS = 1_000_000;
const GOAL_P99_MS = 100;

/**
 * Seeds `rows` audit events (1 % of them deprovisionings, carrying `receivedAt` like real ones) and
 * `rows` provisioning-log rows (every 20th refused with 4xx, but none among the newest tenth: a recent run
 * of successes, as real traffic has, which an error filter must not walk) in one statement each, oldest
 * first. The events go in already sealed, with stand-in hashes, past the append-only trigger (disabled
 * for that one transaction, as `test/audit/fixtures.ts` tampers): the server's sealer links about 1,000
 * events a tick, so sealing a real million would take the bench a quarter of an hour, and the reads
 * measured here (pages, head, unsealed count) only need the steady state of a sealed trail, not hashes
 * that verify.
 */
async function seed(ctx: BenchContext, rows: number): Promise<void> {
	const { sql, orgId, connectionId } = ctx.db;
	await sql.begin(async (tx) => {
		await tx`alter table audit_events disable trigger user`;
		await tx`insert into audit_events (org_id, occurred_at, actor_type, actor_id, actor_name, action,
			entity_type, entity_id, entity_name, changes, metadata, prev_hash, hash, chain_key_version)
		select ${orgId}, now() - make_interval(secs => ${rows} - n), 'scim_connection', ${connectionId}, 'bench',
			case when n % 100 = 0 then 'SCIM_USER_DEPROVISIONED' else 'SCIM_USER_UPDATED' end,
			'User', gen_random_uuid()::text, 'seed-' || n || '@bench.example',
			'{"displayName":{"old":"a","new":"b"}}'::jsonb,
			jsonb_build_object('requestId', gen_random_uuid()::text,
				'receivedAt', to_char((now() - make_interval(secs => ${rows} - n + 0.05)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
				'sessionsKilled', n % 3),
			md5((n - 1)::text) || md5((n - 1)::text), md5(n::text) || md5(n::text), 1
		from generate_series(1, ${rows}) as n`;
		await tx`alter table audit_events enable trigger user`;
	});
	await sql`insert into provisioning_log (org_id, connection_id, occurred_at, method, path, status, duration_ms,
			scim_type, request_id, quirks, request_body, response_body)
		select ${orgId}, ${connectionId}, now() - make_interval(secs => ${rows} - n), 'PATCH',
			'/scim/v2/Users/' || gen_random_uuid()::text,
			case when n % 20 = 0 and n <= ${rows} * 0.9 then 409 else 200 end, 5 + n % 40,
			case when n % 20 = 0 and n <= ${rows} * 0.9 then 'uniqueness' end, gen_random_uuid()::text, '{}',
			'{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}'::jsonb, '{}'::jsonb
		from generate_series(1, ${rows}) as n`;
	// As autovacuum would soon after: statistics and the visibility map, so it does not run mid-measurement.
	await sql`vacuum (analyze) audit_events`;
	await sql`vacuum (analyze) provisioning_log`;
}

/** A console administrator of the bench organization, signed in: the session token its cookie carries. */
async function adminSession(ctx: BenchContext): Promise<string> {
	const handle = await createDatabase(ctx.db.url, { poolSize: 1 });
	try {
		const organization = await requireOrganization(handle.db, "default");
		const admin = await createAdmin(handle.db, {
			organization,
			email: "bench-admin@bench.example",
			password: "bench-admin-password-0123",
		});
		return (await createSession(handle.db, { userId: admin.id, secret: ctx.db.secret })).token;
	} finally {
		await handle.close();
	}
}

/**
 * The console's heaviest audit reads over HTTP, as the browser sends them, over `ROWS` audit events and
 * `ROWS` provisioning-log rows on PostgreSQL: the first and a deep page of each list, a filtered page,
 * the chain status and the offboarding report with its p50/p99 summary. Goal: p99 < 100 ms.
 */
export async function consoleAuditWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const started = Date.now();
	await seed(ctx, ROWS);
	process.stderr.write(
		`seeded ${ROWS} audit events and log rows in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
	);
	const token = await adminSession(ctx);
	const [range] = await ctx.db.sql<{ low: string; high: string }[]>`
		select min(id)::text as low, max(id)::text as high from audit_events where org_id = ${ctx.db.orgId}`;
	const [logRange] = await ctx.db.sql<{ oldest: Date; newest: Date }[]>`
		select min(occurred_at) as oldest, max(occurred_at) as newest from provisioning_log where org_id = ${ctx.db.orgId}`;
	const low = Number(range?.low ?? 1);
	const high = Number(range?.high ?? 1);
	const oldest = logRange?.oldest.getTime() ?? 0;
	const newest = logRange?.newest.getTime() ?? 0;

	async function query(path: string, input: unknown): Promise<void> {
		const url = `${ctx.server.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input ?? {}))}`;
		const res = await fetch(url, { headers: { cookie: `roster_session=${token}`, "x-roster-csrf": "1" } });
		const body = await res.text();
		if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
	}
	const deepLogCursor = () =>
		`${new Date(oldest + randomInt(Math.max(1, newest - oldest))).toISOString().replace("Z", "000Z")}~999999999999`;

	const reads: [string, () => Promise<void>][] = [
		["audit.list first page (50)", () => query("audit.list", { limit: 50 })],
		[
			"audit.list deep page (random cursor)",
			() => query("audit.list", { limit: 50, cursor: String(low + randomInt(high - low)) }),
		],
		[
			"audit.list action filter (1 % of events)",
			() => query("audit.list", { limit: 50, actions: ["SCIM_USER_DEPROVISIONED"] }),
		],
		["audit.actions", () => query("audit.actions", undefined)],
		["audit.chainStatus", () => query("audit.chainStatus", undefined)],
		["audit.offboarding page + p50/p99 (10,000 leavers)", () => query("audit.offboarding", { limit: 50 })],
		["provisioningLog.list first page (50)", () => query("provisioningLog.list", { limit: 50 })],
		[
			"provisioningLog.list deep page (random cursor)",
			() => query("provisioningLog.list", { limit: 50, cursor: deepLogCursor() }),
		],
		[
			"provisioningLog.list status 4xx (4.5 % of rows, none in the newest 10 %)",
			() => query("provisioningLog.list", { limit: 50, status: "4xx" }),
		],
	];
	const rows: ResultRow[] = [];
	const count = ROWS.toLocaleString("en-US");
	for (const [name, operation] of reads) {
		const result = await warmThenRun({
			clients: Math.min(ctx.options.clients, 4),
			seconds: Math.min(ctx.options.seconds, 5),
			maxOps: ctx.options.maxOps,
			operation,
		});
		const row = loadRow(`console ${name} (${count} rows)`, result);
		const passed = (row.p99Ms ?? Number.POSITIVE_INFINITY) < GOAL_P99_MS;
		rows.push({ ...row, verdict: `goal p99 < ${GOAL_P99_MS} ms ${mark(passed)}`, passed });
	}
	return rows;
}
