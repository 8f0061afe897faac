import { performance } from "node:perf_hooks";
import { TENANT_KINDS } from "../../../../e2e/idp/server/index.ts";
import type { BenchContext } from "../context.ts";
import { percentile } from "../load.ts";
import { mark, type ResultRow } from "../table.ts";
import { benchTenant, populate } from "./idp-tenant.ts";

/** Entra's initial cycle must finish within this; every kind must finish with no errors. */
const ENTRA_GOAL_SECONDS = 60;

/**
 * The initial provisioning of `BENCH_IDP_USERS` users (1,000) and `BENCH_IDP_GROUPS` groups (50) by each
 * mock tenant kind, sent exactly as that IdP sends it (e2e/idp), into its own fresh organization:
 * Entra's initial cycle (lookups, POSTs, manager PATCHes, groups and member batches), Okta's pushes once
 * "To App" provisioning is enabled over the assigned users and pushed groups. Errors are answers the
 * IdP would log as failures (escrowed operations, failed tasks, an answer it cannot use).
 */
export async function idpCyclesWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { idpUsers, idpGroups } = ctx.options;
	const rows: ResultRow[] = [];
	const stamp = Date.now();
	for (const kind of TENANT_KINDS) {
		const bench = await benchTenant(ctx, kind, `bench-${kind}-${stamp}`);
		try {
			const { tenant } = bench;
			populate(tenant, idpUsers, idpGroups);
			const { control } = tenant;
			const started = performance.now();
			await control.start();
			const seconds = (performance.now() - started) / 1000;
			const exchanges = control.tenant.http.exchanges;
			const failed = exchanges.filter((exchange) => exchange.status >= 400).length;
			const escrowed = control.entra?.status().escrow.length ?? 0;
			const failedTasks = control.okta?.failedTasks.length ?? 0;
			const errors = failed + escrowed + failedTasks + (control.lastError ? 1 : 0);
			if (control.lastError)
				process.stderr.write(`${kind}: ${control.lastError.code} ${control.lastError.message}\n`);
			const provisioned = [...tenant.directory.users.keys()].filter((id) =>
				control.tenant.rosterUserId(id),
			).length;
			const entra = kind.startsWith("entra");
			const passed = errors === 0 && provisioned === idpUsers && (!entra || seconds < ENTRA_GOAL_SECONDS);
			const latencies = exchanges.map((exchange) => exchange.elapsedMs);
			rows.push({
				workload: `IdP initial cycle ${kind}: ${idpUsers.toLocaleString("en-US")} users, ${idpGroups} groups`,
				clients: 1,
				ops: exchanges.length,
				opsPerSecond: exchanges.length / seconds,
				p50Ms: percentile(latencies, 0.5),
				p99Ms: percentile(latencies, 0.99),
				verdict: `${seconds.toFixed(1)} s, ${errors} errors, ${provisioned} users in Roster (goal 0 errors${entra ? `, < ${ENTRA_GOAL_SECONDS} s` : ""}) ${mark(passed)}`,
				passed,
			});
		} finally {
			await bench.close();
		}
	}
	return rows;
}
