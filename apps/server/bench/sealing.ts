import { performance } from "node:perf_hooks";
import type { BenchContext } from "./context.ts";
import { type BenchDatabase, createBenchDatabase } from "./database.ts";
import { ScimHttp } from "./http.ts";
import { type LoadResult, warmThenRun } from "./load.ts";
import { entraUser } from "./scim-bodies.ts";
import { startServer } from "./server.ts";
import { loadRow, mark, type ResultRow } from "./table.ts";

const GOAL_RATIO = 0.9;
const SEAL_INTERVAL_MS = "250";
const ROUNDS = 2;
const SEALED_WITHIN_MS = 1000;
const DRAIN_TIMEOUT_MS = 60_000;

type Mode = "off" | "on";

async function unsealed(db: BenchDatabase): Promise<number> {
	const [row] = await db.sql<
		{ n: string }[]
	>`select count(*)::text as n from audit_events where hash is null`;
	return Number(row?.n ?? 0);
}

/** Polls until every audit event is sealed; returns how long that took after the call. */
async function drained(db: BenchDatabase): Promise<number> {
	const started = performance.now();
	while ((await unsealed(db)) > 0) {
		if (performance.now() - started > DRAIN_TIMEOUT_MS) {
			throw new Error(`audit events still unsealed after ${DRAIN_TIMEOUT_MS / 1000} s`);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	return performance.now() - started;
}

function merge(results: LoadResult[]): LoadResult {
	const ops = results.reduce((sum, result) => sum + result.ops, 0);
	const cpuMs = results.reduce((sum, result) => sum + (result.serverCpuMsPerOp ?? 0) * result.ops, 0);
	return {
		clients: results[0]?.clients ?? 0,
		ops,
		seconds: results.reduce((sum, result) => sum + result.seconds, 0),
		latenciesMs: results.flatMap((result) => result.latenciesMs),
		...(ops > 0 ? { serverCpuMsPerOp: cpuMs / ops } : {}),
	};
}

/**
 * `POST /Users` at full concurrency against a server with the audit sealer off (`AUDIT_SEAL_INTERVAL_MS=0`)
 * and on (250 ms), alternating off/on rounds on a database of its own so drift hits both alike and no
 * other server seals its events. An "on" round starts only once the previous rounds' backlog is sealed;
 * after it, the time until its last events are sealed is the sealing lag. Server CPU per request (printed
 * under the table) shows the sealer's own cost even when a shared machine makes throughput noisy.
 */
export async function sealingWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options } = ctx;
	const db = await createBenchDatabase(options.adminDatabaseUrl, 2);
	const results: Record<Mode, LoadResult[]> = { off: [], on: [] };
	const lagsMs: number[] = [];
	try {
		for (let round = 0; round < ROUNDS; round++) {
			for (const mode of ["off", "on"] as const) {
				const server = await startServer({
					databaseUrl: db.url,
					secret: db.secret,
					cpuProfileDir: undefined,
					env: { AUDIT_SEAL_INTERVAL_MS: mode === "on" ? SEAL_INTERVAL_MS : "0" },
				});
				const http = new ScimHttp(`${server.baseUrl}/scim/v2`, db.token, options.clients);
				try {
					if (mode === "on") await drained(db);
					results[mode].push(
						await warmThenRun({
							clients: options.clients,
							seconds: Math.max(1, options.seconds / ROUNDS),
							maxOps: options.maxOps,
							serverCpuSeconds: () => server.cpuSeconds(),
							operation: async (worker, sequence) => {
								const userName = `seal-${mode}-${round}-${worker}-${sequence}@bench.example`;
								await http.expect(201, "POST", "/Users", entraUser(userName, sequence));
							},
						}),
					);
					if (mode === "on") lagsMs.push(await drained(db));
				} finally {
					http.close();
					await server.stop();
				}
			}
		}
	} finally {
		await db.drop();
	}
	const off = merge(results.off);
	const on = merge(results.on);
	const ratio = on.ops / on.seconds / (off.ops / off.seconds);
	const passed = ratio >= GOAL_RATIO;
	const worstLag = Math.max(...lagsMs);
	return [
		loadRow("POST /Users, audit sealing off", off, "baseline"),
		loadRow(
			`POST /Users, audit sealing every ${SEAL_INTERVAL_MS} ms`,
			on,
			`${ratio.toFixed(3)}× off (goal ≥ ${GOAL_RATIO}×) ${mark(passed)}`,
			passed,
		),
		{
			workload: "audit events sealed after the last write",
			verdict: `${Math.round(worstLag)} ms (goal < ${SEALED_WITHIN_MS} ms) ${mark(worstLag < SEALED_WITHIN_MS)}`,
			passed: worstLag < SEALED_WITHIN_MS,
		},
	];
}
