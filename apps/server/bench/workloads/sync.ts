import { performance } from "node:perf_hooks";
import { bareKeys } from "../bare/baseline.ts";
import type { BenchContext } from "../context.ts";
import { resourceId, type ScimHttp, totalResults } from "../http.ts";
import { percentile } from "../load.ts";
import type { BenchOptions } from "../options.ts";
import { addMembers, entraGroup, entraUser, eqFilter } from "../scim-bodies.ts";
import { mark, type ResultRow } from "../table.ts";

const GOAL_SECONDS = 30;
const BATCH = 100;
/** Group sizes cycle through these (mean 95 members): many small teams, a few large distribution lists. */
const GROUP_SIZES = [5, 20, 50, 100, 300];

type Step = "user lookup" | "user POST" | "group lookup" | "group POST" | "member PATCH";

/** Latencies per kind of request, so a slow sync shows which request to look at. */
export class StepTimes {
	readonly all: number[] = [];
	readonly #byStep = new Map<Step, number[]>();

	/** Times one request as `step`. */
	async time<T>(step: Step, request: () => Promise<T>): Promise<T> {
		const latencies = this.#byStep.get(step) ?? [];
		this.#byStep.set(step, latencies);
		const begin = performance.now();
		const result = await request();
		const elapsed = performance.now() - begin;
		latencies.push(elapsed);
		this.all.push(elapsed);
		return result;
	}

	/** One line per step: count, total seconds, p50. */
	describe(): string {
		return [...this.#byStep]
			.map(([step, latencies]) => {
				const seconds = latencies.reduce((sum, ms) => sum + ms, 0) / 1000;
				return `  ${step}: ${latencies.length} requests, ${seconds.toFixed(1)} s, p50 ${percentile(latencies, 0.5).toFixed(2)} ms`;
			})
			.join("\n");
	}
}

/** What one Entra initial cycle took: every request's latency by step, the wall time, the memberships. */
export interface EntraSyncRun {
	steps: StepTimes;
	seconds: number;
	memberships: number;
}

/**
 * Entra ID's initial cycle, one request at a time: for each user a `userName eq` lookup that finds
 * nothing and a POST; for each group (unless `withGroups` is false) a lookup with
 * `excludedAttributes=members`, a POST without members, and `Add members` PATCHes of up to 100 users
 * drawn from the ones just created. The bare server runs the same cycle, so the two compare.
 */
export async function runEntraSync(
	http: ScimHttp,
	options: BenchOptions,
	withGroups: boolean,
	label: string,
): Promise<EntraSyncRun> {
	const steps = new StepTimes();
	const stamp = `${label}-${Date.now()}`;
	const started = performance.now();
	const userIds: string[] = [];
	for (let i = 0; i < options.syncUsers; i++) {
		const userName = `sync-${stamp}-${i}@bench.example`;
		const found = await steps.time("user lookup", () =>
			http.expect(200, "GET", `/Users?${eqFilter("userName", userName)}`),
		);
		if (totalResults(found) !== 0) throw new Error(`sync lookup found ${userName} before creating it`);
		const created = await steps.time("user POST", () =>
			http.expect(201, "POST", "/Users", entraUser(userName, i)),
		);
		userIds.push(resourceId(created));
	}
	let memberships = 0;
	for (let g = 0; withGroups && g < options.syncGroups; g++) {
		const displayName = `Sync Group ${stamp}-${g}`;
		const found = await steps.time("group lookup", () =>
			http.expect(200, "GET", `/Groups?excludedAttributes=members&${eqFilter("displayName", displayName)}`),
		);
		if (totalResults(found) !== 0)
			throw new Error(`sync lookup found group ${displayName} before creating it`);
		const groupId = resourceId(
			await steps.time("group POST", () => http.expect(201, "POST", "/Groups", entraGroup(displayName))),
		);
		const size = Math.min(GROUP_SIZES[g % GROUP_SIZES.length] ?? BATCH, userIds.length);
		const first = (g * 97) % userIds.length;
		const members = Array.from({ length: size }, (_, k) => userIds[(first + k) % userIds.length] ?? "");
		for (let from = 0; from < members.length; from += BATCH) {
			const reply = await steps.time("member PATCH", () =>
				http.send("PATCH", `/Groups/${groupId}`, addMembers(members.slice(from, from + BATCH))),
			);
			if (reply.status !== 204 && reply.status !== 200) {
				throw new Error(
					`PATCH /Groups/${groupId}: ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`,
				);
			}
		}
		memberships += members.length;
	}
	return { steps, seconds: (performance.now() - started) / 1000, memberships };
}

/** Roster's Entra initial cycle at the configured size, with its time as a ratio to the bare server's. */
export async function syncWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options } = ctx;
	const cpuBefore = ctx.server.cpuSeconds();
	const { steps, seconds, memberships } = await runEntraSync(ctx.http, options, ctx.hasGroups, "roster");
	const latenciesMs = steps.all;
	const users = options.syncUsers.toLocaleString("en-US");
	const row = {
		clients: 1,
		ops: latenciesMs.length,
		opsPerSecond: latenciesMs.length / seconds,
		p50Ms: percentile(latenciesMs, 0.5),
		p99Ms: percentile(latenciesMs, 0.99),
		serverCpuMsPerOp: ((ctx.server.cpuSeconds() - cpuBefore) * 1000) / latenciesMs.length,
	};
	if (!ctx.hasGroups) {
		return [
			{
				...row,
				workload: `Entra initial sync: ${users} users, groups n/a (no /Groups)`,
				verdict: `users only ${seconds.toFixed(1)} s; goal < ${GOAL_SECONDS} s needs groups`,
			},
		];
	}
	process.stderr.write(`sync steps:\n${steps.describe()}\n`);
	const passed = seconds < GOAL_SECONDS;
	const bare = ctx.measured.get(bareKeys.sync);
	const versus = bare ? `; ${(seconds / bare.seconds).toFixed(2)}× bare's ${bare.seconds.toFixed(1)} s` : "";
	return [
		{
			...row,
			workload: `Entra initial sync: ${users} users, ${options.syncGroups} groups, ${memberships.toLocaleString("en-US")} memberships`,
			verdict: `${seconds.toFixed(1)} s total (goal < ${GOAL_SECONDS} s) ${mark(passed)}${versus}`,
			passed,
		},
	];
}
