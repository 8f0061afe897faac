import { performance } from "node:perf_hooks";
import { createSession } from "../../src/sessions/sessions.ts";
import type { BenchContext } from "../context.ts";
import { percentile } from "../load.ts";
import { mark, type ResultRow } from "../table.ts";
import { benchTenant, populate } from "./idp-tenant.ts";

const GOAL_P99_MS = 1_000;
/** A poller that has seen no refusal by then counts the user as never locked out. */
const GIVE_UP_MS = 10_000;

/** Epoch milliseconds with sub-millisecond precision, the clock the tenant stamps its requests with. */
function now(): number {
	return performance.timeOrigin + performance.now();
}

/**
 * Lock-out latency as a signed-in person sees it: `BENCH_IDP_LOCKOUT_USERS` (100) users provisioned by an
 * Okta OIN tenant, each with a live console session, are deactivated one by one in the tenant, which
 * pushes the PATCH at once. For each, a poller keeps calling `GET /trpc/session.me` with the session as
 * bearer; the sample is the time from the start of the IdP's deprovision request to the first 401.
 */
export async function idpLockoutWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const count = ctx.options.idpLockoutUsers;
	const bench = await benchTenant(ctx, "okta-oin", `bench-lockout-${Date.now()}`);
	try {
		const { tenant, handle } = bench;
		const { control } = tenant;
		const ids = populate(tenant, count, 0);
		await control.start();
		const me = `${ctx.server.baseUrl}/trpc/session.me`;
		const sessions = new Map<string, string>();
		for (const id of ids) {
			const rosterId = control.tenant.rosterUserId(id);
			if (!rosterId) throw new Error(`the tenant did not provision ${id}`);
			const { token } = await createSession(handle.db, { userId: rosterId, secret: ctx.db.secret });
			const check = await fetch(me, { headers: { authorization: `Bearer ${token}` } });
			if (check.status !== 200)
				throw new Error(`a fresh session was refused: ${check.status} ${await check.text()}`);
			sessions.set(id, token);
		}
		const latencies: number[] = [];
		let neverRefused = 0;
		for (const id of ids) {
			const token = sessions.get(id) as string;
			const rosterId = control.tenant.rosterUserId(id) as string;
			const firstExchange = control.tenant.http.exchanges.length;
			let refusedAt: number | undefined;
			const poller = (async () => {
				const deadline = now() + GIVE_UP_MS;
				while (now() < deadline) {
					const answer = await fetch(me, { headers: { authorization: `Bearer ${token}` } });
					await answer.arrayBuffer();
					if (answer.status === 401) {
						refusedAt = now();
						return;
					}
				}
			})();
			await control.userAction(id, "disable");
			await poller;
			const request = control.tenant.http.exchanges
				.slice(firstExchange)
				.find((exchange) => exchange.method === "PATCH" && exchange.path === `/Users/${rosterId}`);
			if (!request) throw new Error(`the tenant sent no deactivation for ${id}`);
			if (refusedAt === undefined) neverRefused++;
			else latencies.push(Math.max(0, refusedAt - request.startedAt));
		}
		const p99 = percentile(latencies, 0.99);
		const passed = neverRefused === 0 && p99 < GOAL_P99_MS;
		return [
			{
				workload: `IdP lock-out okta-oin: deprovision request → session refused (${count} users)`,
				clients: 1,
				ops: latencies.length,
				p50Ms: percentile(latencies, 0.5),
				p99Ms: p99,
				verdict: `p99 ${p99.toFixed(0)} ms (goal < ${GOAL_P99_MS.toLocaleString("en-US")} ms)${neverRefused ? `, ${neverRefused} never refused` : ""} ${mark(passed)}`,
				passed,
			},
		];
	} finally {
		await bench.close();
	}
}
