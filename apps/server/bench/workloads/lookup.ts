import { randomInt } from "node:crypto";
import { allPassed, bareKeys, versusBare } from "../bare/baseline.ts";
import type { BenchContext } from "../context.ts";
import { seededUserName } from "../database.ts";
import { totalResults } from "../http.ts";
import { percentile, warmThenRun } from "../load.ts";
import { eqFilter } from "../scim-bodies.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";

const GOAL_OPS_PER_SECOND = 7_000;
const GOAL_P99_MS = 10;
const GOAL_RSS_MB = 200;
const GOAL_VS_BARE = 0.5;

/**
 * First the raw floor (the same indexed select straight over postgres-js), then Entra's create-or-match
 * lookup, `GET /Users?filter=userName eq "…"`, for random existing users among the seeded ones (also as a
 * ratio of the bare server); then the server's RSS, read once it has served the lookups over the full table,
 * and its peak so far (VmHWM): the goal holds for the peak, not only for the moment of reading.
 */
export async function lookupWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, http } = ctx;
	await ctx.ensureSeeded(options.lookupUsers);
	const floor = await warmThenRun({
		clients: options.clients,
		seconds: options.seconds,
		maxOps: options.maxOps,
		operation: async () => {
			const userName = seededUserName(randomInt(options.lookupUsers));
			const found = await ctx.db.sql`
				select * from users
				where org_id = ${ctx.db.orgId} and not is_deleted and lower(user_name) = lower(${userName})`;
			if (found.length !== 1) throw new Error(`raw lookup of ${userName} did not find exactly one user`);
		},
	});
	const result = await warmThenRun({
		clients: options.clients,
		seconds: options.seconds,
		maxOps: options.maxOps,
		serverCpuSeconds: () => ctx.server.cpuSeconds(),
		operation: async () => {
			const userName = seededUserName(randomInt(options.lookupUsers));
			const reply = await http.expect(200, "GET", `/Users?${eqFilter("userName", userName)}`);
			if (totalResults(reply) !== 1) throw new Error(`lookup of ${userName} did not find exactly one user`);
		},
	});
	const opsPerSecond = result.ops / result.seconds;
	const p99 = percentile(result.latenciesMs, 0.99);
	const ownPassed = opsPerSecond >= GOAL_OPS_PER_SECOND && p99 < GOAL_P99_MS;
	const bare = versusBare(ctx, bareKeys.lookup, result, GOAL_VS_BARE);
	const passed = allPassed([ownPassed, bare.passed]) ?? ownPassed;
	const rssMb = ctx.server.rssMb();
	const peakRssMb = ctx.server.peakRssMb();
	const rssPassed = peakRssMb < GOAL_RSS_MB;
	const users = options.lookupUsers.toLocaleString("en-US");
	const ratio = opsPerSecond / (floor.ops / floor.seconds);
	return [
		loadRow(`raw PostgreSQL floor (userName select, ${users} users)`, floor, "baseline"),
		loadRow(
			`userName eq lookup (${users} users)`,
			result,
			`${ratio.toFixed(3)}× floor; goal ≥ ${GOAL_OPS_PER_SECOND.toLocaleString("en-US")}/s, p99 < ${GOAL_P99_MS} ms ${mark(ownPassed)}; ${bare.text}`,
			passed,
		),
		{
			workload: `server RSS after lookups (${users} users)`,
			verdict: `${rssMb.toFixed(0)} MB, peak ${peakRssMb.toFixed(0)} MB (goal < ${GOAL_RSS_MB} MB; ${ctx.startupRssMb.toFixed(0)} MB after start) ${mark(rssPassed)}`,
			passed: rssPassed,
		},
	];
}
