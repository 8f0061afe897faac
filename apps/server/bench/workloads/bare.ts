import { randomInt } from "node:crypto";
import {
	deprovisionUserCount,
	giveSessions,
	insertDeprovisionUsers,
	measureDeprovisions,
} from "../access-deprovision.ts";
import { bareKeys, sequentialResult } from "../bare/baseline.ts";
import { startBareServer } from "../bare/start.ts";
import type { BenchContext } from "../context.ts";
import { seededUserName } from "../database.ts";
import { totalResults } from "../http.ts";
import { type LoadResult, warmThenRun } from "../load.ts";
import type { WorkloadName } from "../options.ts";
import { entraUser, eqFilter } from "../scim-bodies.ts";
import { loadRow, type ResultRow } from "../table.ts";
import { measureChurn } from "./members.ts";
import { runEntraSync } from "./sync.ts";

const COMPARED: readonly WorkloadName[] = ["post", "lookup", "members", "sync", "deprovision"];

/** Inserts a group row straight into Roster's table, as the bare server has no `POST /Groups`. */
async function insertGroup(ctx: BenchContext, displayName: string): Promise<string> {
	const [group] = await ctx.db.sql<{ id: string }[]>`
		insert into groups (org_id, display_name, connection_id)
		values (${ctx.db.orgId}, ${displayName}, ${ctx.db.connectionId})
		returning id`;
	if (!group) throw new Error("group insert returned no row");
	return group.id;
}

/**
 * The bare-server baseline: starts `bench/bare/server.ts` and measures the operations of the selected
 * Roster workloads (all of them when none is selected) with the same load generator, clients and bodies,
 * keeping each result under `bareKeys` for those workloads' `N× bare` ratios; then stops it.
 */
export async function bareWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, db } = ctx;
	const anySelected = COMPARED.some((name) => options.only.has(name));
	const wanted = (name: WorkloadName) => !anySelected || options.only.has(name);
	const bare = await startBareServer(db, {
		clients: options.clients,
		socketDir: options.serverSocketDir,
		nodeFlags: options.serverNodeFlags,
	});
	const { http } = bare;
	const rows: ResultRow[] = [];
	/** Keeps a result; a sequence's row shows ops/s over its wall time, as the Roster rows do. */
	const keep = (key: string, name: string, result: LoadResult, wallSeconds?: number) => {
		ctx.measured.set(key, result);
		const row = loadRow(`bare server: ${name}`, result, "baseline");
		rows.push(wallSeconds === undefined ? row : { ...row, opsPerSecond: result.ops / wallSeconds });
	};
	try {
		if (wanted("post")) {
			for (const clients of new Set([1, options.clients])) {
				const result = await warmThenRun({
					clients,
					seconds: options.seconds,
					maxOps: options.maxOps,
					serverCpuSeconds: () => bare.server.cpuSeconds(),
					operation: async (worker, sequence) => {
						const userName = `bare-${clients}-${worker}-${sequence}@bench.example`;
						await http.expect(201, "POST", "/Users", entraUser(userName, sequence));
					},
				});
				keep(bareKeys.post(clients), "POST /Users", result);
			}
		}
		if (wanted("lookup")) {
			await ctx.ensureSeeded(options.lookupUsers);
			const result = await warmThenRun({
				clients: options.clients,
				seconds: options.seconds,
				maxOps: options.maxOps,
				serverCpuSeconds: () => bare.server.cpuSeconds(),
				operation: async () => {
					const userName = seededUserName(randomInt(options.lookupUsers));
					const reply = await http.expect(200, "GET", `/Users?${eqFilter("userName", userName)}`);
					if (totalResults(reply) !== 1) throw new Error(`bare lookup of ${userName} found no single user`);
				},
			});
			keep(
				bareKeys.lookup,
				`userName eq lookup (${options.lookupUsers.toLocaleString("en-US")} users)`,
				result,
			);
		}
		if (wanted("members")) {
			const stamp = Date.now();
			const smallId = await insertGroup(ctx, `bare-small-${stamp}`);
			const bigId = await insertGroup(ctx, `bare-big-${stamp}`);
			const { smallMs, bigMs, seconds } = await measureChurn(ctx, http, smallId, bigId);
			keep(
				bareKeys.membersSmall,
				`member add+remove, ${options.smallGroupMembers}-member group`,
				sequentialResult(smallMs),
				seconds / 2,
			);
			keep(
				bareKeys.membersBig,
				`member add+remove, ${options.bigGroupMembers.toLocaleString("en-US")}-member group`,
				sequentialResult(bigMs),
				seconds / 2,
			);
		}
		if (wanted("sync")) {
			const run = await runEntraSync(http, options, true, "bare");
			const result = { ...sequentialResult(run.steps.all), seconds: run.seconds };
			ctx.measured.set(bareKeys.sync, result);
			const size = `${options.syncUsers.toLocaleString("en-US")} users, ${options.syncGroups} groups`;
			rows.push(
				loadRow(
					`bare server: Entra initial sync: ${size}`,
					result,
					`baseline: ${run.seconds.toFixed(1)} s total`,
				),
			);
		}
		if (wanted("deprovision")) {
			const ids = await insertDeprovisionUsers(db, `bare-deprov-${Date.now()}`, deprovisionUserCount(ctx));
			await giveSessions(db, ids);
			const { latenciesMs, seconds } = await measureDeprovisions(http, db, ids);
			keep(
				bareKeys.deprovision,
				`deprovision: PATCH active "False" (${latenciesMs.length.toLocaleString("en-US")} users)`,
				sequentialResult(latenciesMs),
				seconds * (latenciesMs.length / ids.length),
			);
		}
	} finally {
		await bare.stop();
	}
	return rows;
}
