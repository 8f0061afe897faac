import { createDatabase, type DatabaseHandle } from "@roster/db";
import type { ActivityRange } from "@roster/domain/inputs/dashboard";
import { ActivityRecorder, type RequestRecord } from "../../src/audit/activity-recorder.ts";
import { rebuildProvisioningActivity } from "../../src/audit/activity-rollup.ts";
import { activitySeries } from "../../src/audit/activity-series.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { createLogger } from "../../src/logger.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import type { BenchContext } from "../context.ts";
import type { BenchDatabase } from "../database.ts";
import { percentile, timed, warmThenRun } from "../load.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";

const GOAL_P99_MS = 100;
const CONNECTIONS = 5;
const DAYS = 30;
const WRITER_BATCHES = 100;
const BATCH_ROWS = 500;

/** How many provisioning-log rows are seeded: `BENCH_DASHBOARD_ROWS`, else 1,000,000. */
function logRows(): number {
	const raw = process.env.BENCH_DASHBOARD_ROWS;
	const parsed = raw ? Number(raw) : 1_000_000;
	if (!Number.isInteger(parsed) || parsed <= 0) {
		throw new Error(`BENCH_DASHBOARD_ROWS must be a positive integer, got "${raw}"`);
	}
	return parsed;
}

/** The bench connection plus `CONNECTIONS - 1` more on the default organization. */
async function benchConnections(handle: DatabaseHandle, db: BenchDatabase): Promise<string[]> {
	const organization = await requireOrganization(handle.db, "default");
	const ids = [db.connectionId];
	for (let i = 2; i <= CONNECTIONS; i += 1) {
		const issued = await createScimToken(handle.db, {
			organization,
			connectionName: `bench-dashboard-${i}`,
			createdBy: "bench",
			secret: db.secret,
		});
		ids.push(issued.connection.id);
	}
	return ids;
}

/**
 * Seeds `count` log rows set-based, spread evenly over the last 30 days and the connections, with the
 * mix an IdP sends (mostly reads and updates, some creates, deprovisions and errors).
 */
async function seedLog(db: BenchDatabase, connections: readonly string[], count: number): Promise<void> {
	await db.sql`
		insert into provisioning_log (org_id, connection_id, occurred_at, method, path, status, duration_ms, request_body)
		select ${db.orgId}, (${connections}::uuid[])[1 + i % ${connections.length}],
			now() - make_interval(secs => (i::float8 / ${count}) * ${DAYS * 86_400}),
			m.method, m.path, m.status, 3, m.body
		from generate_series(0, ${count - 1}::int) as i
		cross join lateral (
			select * from (values
				(0, 'GET', '/scim/v2/Users', 200, null::jsonb),
				(1, 'POST', '/scim/v2/Users', 201, '{"userName":"x"}'::jsonb),
				(2, 'PATCH', '/scim/v2/Users/u', 200, '{"Operations":[{"op":"Replace","path":"active","value":"False"}]}'::jsonb),
				(3, 'PATCH', '/scim/v2/Users/u', 200, '{"Operations":[{"op":"replace","path":"displayName","value":"y"}]}'::jsonb),
				(4, 'POST', '/scim/v2/Users', 409, '{"userName":"x"}'::jsonb),
				(5, 'GET', '/scim/v2/Groups', 200, null::jsonb),
				(6, 'DELETE', '/scim/v2/Users/u', 204, null::jsonb),
				(7, 'PUT', '/scim/v2/Users/u', 200, '{"active":true}'::jsonb)
			) as v(k, method, path, status, body) where v.k = i % 8
		) as m`;
}

function writerRecord(db: BenchDatabase, connectionId: string, i: number): RequestRecord {
	return {
		orgId: db.orgId,
		connectionId,
		occurredAt: new Date(),
		method: i % 4 === 0 ? "POST" : "GET",
		path: "/scim/v2/Users",
		status: i % 4 === 0 ? 201 : 200,
		durationMs: 3,
		scimType: null,
		requestId: `bench-${i}`,
		quirks: [],
		requestBodyJson: "null",
		responseBodyJson: "null",
	};
}

/**
 * The dashboard's activity series over 1,000,000 provisioning-log rows (30 days, 5 connections): the log
 * is seeded set-based and the hourly rollup rebuilt from it, then each window is read the way
 * `dashboard.activity` reads it (the same application function, over a pool as large as the client count). Two reference rows: one
 * GROUP BY straight over the log (what the rollup avoids), and the log writer's batch cost with the
 * rollup upsert in its statement.
 */
export async function consoleDashboardWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { db, options } = ctx;
	const count = logRows();
	const size = count.toLocaleString("en-US");
	const handle = await createDatabase(db.url, { poolSize: options.clients });
	try {
		const connections = await benchConnections(handle, db);
		const started = performance.now();
		await seedLog(db, connections, count);
		const { buckets } = await rebuildProvisioningActivity(handle.db);
		await db.sql`analyze provisioning_log`;
		await db.sql`analyze provisioning_activity`;
		process.stderr.write(
			`seeded ${size} log rows, ${buckets} hourly buckets in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
		);

		const rows: ResultRow[] = [];
		const direct: number[] = [];
		for (let i = 0; i < 5; i += 1) {
			await timed(
				direct,
				() => db.sql`
					select connection_id, date_trunc('day', occurred_at, 'UTC') as day, count(*),
						count(*) filter (where status >= 400)
					from provisioning_log where org_id = ${db.orgId} and occurred_at >= now() - interval '30 days'
					group by 1, 2`,
			);
		}
		rows.push({
			workload: `30 d GROUP BY over the log itself (${size} rows, reference)`,
			clients: 1,
			ops: direct.length,
			p50Ms: percentile(direct, 0.5),
			p99Ms: percentile(direct, 0.99),
			verdict: "what the rollup avoids",
		});

		for (const range of ["24h", "7d", "30d"] as const satisfies readonly ActivityRange[]) {
			const result = await warmThenRun({
				clients: options.clients,
				seconds: options.seconds,
				maxOps: options.maxOps,
				operation: async () => {
					const series = await activitySeries(handle.db, db.orgId, range);
					if (series.connections.length !== CONNECTIONS) {
						throw new Error(`the ${range} series charted ${series.connections.length} connections`);
					}
				},
			});
			const p99 = percentile(result.latenciesMs, 0.99);
			const passed = p99 < GOAL_P99_MS;
			rows.push(
				loadRow(
					`dashboard activity series, ${range} (${size} log rows, ${CONNECTIONS} connections)`,
					result,
					`goal p99 < ${GOAL_P99_MS} ms ${mark(passed)}`,
					passed,
				),
			);
		}

		const recorder = new ActivityRecorder({
			db: handle.db,
			logger: createLogger({ level: "silent" }),
			flushIntervalMs: 3_600_000,
		});
		const batches: number[] = [];
		for (let b = 0; b < WRITER_BATCHES; b += 1) {
			for (let i = 0; i < BATCH_ROWS; i += 1) {
				recorder.log(
					writerRecord(db, connections[i % connections.length] ?? db.connectionId, b * BATCH_ROWS + i),
				);
			}
			await timed(batches, () => recorder.flush());
		}
		await recorder.close();
		rows.push({
			workload: `provisioning-log batch of ${BATCH_ROWS} rows with its rollup upsert`,
			clients: 1,
			ops: batches.length,
			p50Ms: percentile(batches, 0.5),
			p99Ms: percentile(batches, 0.99),
			verdict: "writer cost (background, off the request path)",
		});
		return rows;
	} finally {
		await handle.close();
	}
}
