import { bareKeys, sequentialResult, versusBare } from "../bare/baseline.ts";
import type { BenchContext } from "../context.ts";
import { seededUserIds, seedMembers } from "../database.ts";
import { resourceId, type ScimHttp } from "../http.ts";
import { percentile, timed } from "../load.ts";
import { addMembers, entraGroup, removeMember } from "../scim-bodies.ts";
import { mark, type ResultRow } from "../table.ts";

const GOAL_RATIO = 1.5;
/** Seeded users after the big group's members that are added and removed again, in turn. */
export const CHURN_USERS = 100;
const WARMUP_ROUNDS = 20;

async function churn(http: ScimHttp, groupId: string, userId: string, latenciesMs: number[] | undefined) {
	const patch = async (body: Record<string, unknown>) => {
		const reply = await http.send("PATCH", `/Groups/${groupId}`, body);
		if (reply.status !== 204 && reply.status !== 200) {
			throw new Error(
				`PATCH /Groups/${groupId}: ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`,
			);
		}
	};
	const sink = latenciesMs ?? [];
	await timed(sink, () => patch(addMembers([userId])));
	await timed(sink, () => patch(removeMember(userId)));
}

/**
 * Seeds the small and the big group's members, then adds and removes the churn users in turn on
 * both groups (warm-up rounds first); the per-PATCH latencies of each group and the wall time.
 */
export async function measureChurn(
	ctx: BenchContext,
	http: ScimHttp,
	smallId: string,
	bigId: string,
): Promise<{ smallMs: number[]; bigMs: number[]; seconds: number }> {
	const { options, db } = ctx;
	const big = options.bigGroupMembers;
	await ctx.ensureSeeded(big + CHURN_USERS);
	await seedMembers(db, smallId, 0, options.smallGroupMembers);
	await seedMembers(db, bigId, 0, big);
	const churnIds = await seededUserIds(db, big, big + CHURN_USERS);
	const pick = (round: number) => churnIds[round % churnIds.length] ?? "";
	for (let round = 0; round < WARMUP_ROUNDS; round++) {
		await churn(http, smallId, pick(round), undefined);
		await churn(http, bigId, pick(round), undefined);
	}
	const smallMs: number[] = [];
	const bigMs: number[] = [];
	const started = Date.now();
	for (let round = 0; round < options.memberRounds; round++) {
		await churn(http, smallId, pick(round), smallMs);
		await churn(http, bigId, pick(round), bigMs);
	}
	return { smallMs, bigMs, seconds: (Date.now() - started) / 1000 };
}

function rowFor(
	name: string,
	latenciesMs: number[],
	seconds: number,
	verdict: string,
	passed?: boolean,
): ResultRow {
	return {
		workload: name,
		clients: 1,
		ops: latenciesMs.length,
		opsPerSecond: latenciesMs.length / seconds,
		p50Ms: percentile(latenciesMs, 0.5),
		p99Ms: percentile(latenciesMs, 0.99),
		verdict,
		...(passed === undefined ? {} : { passed }),
	};
}

/**
 * Adds one member to a group and removes it again (Entra's two PATCH forms), alternating between a
 * small and a huge group so drift hits both alike. Member changes that never read the member list cost
 * the same on either; the p50 ratio shows whether they do.
 */
export async function membersWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, http } = ctx;
	const small = options.smallGroupMembers;
	const big = options.bigGroupMembers;
	if (!ctx.hasGroups) {
		return [
			{ workload: `member add+remove, ${small}-member group`, verdict: "n/a (no /Groups)" },
			{
				workload: `member add+remove, ${big.toLocaleString("en-US")}-member group`,
				verdict: "n/a (no /Groups)",
			},
		];
	}
	const stamp = Date.now();
	const smallId = resourceId(await http.expect(201, "POST", "/Groups", entraGroup(`bench-small-${stamp}`)));
	const bigId = resourceId(await http.expect(201, "POST", "/Groups", entraGroup(`bench-big-${stamp}`)));
	const { smallMs, bigMs, seconds } = await measureChurn(ctx, http, smallId, bigId);
	const ratio = percentile(bigMs, 0.5) / percentile(smallMs, 0.5);
	const passed = ratio <= GOAL_RATIO;
	const half = seconds / 2;
	const smallBare = versusBare(ctx, bareKeys.membersSmall, sequentialResult(smallMs));
	const bigBare = versusBare(ctx, bareKeys.membersBig, sequentialResult(bigMs));
	return [
		rowFor(`member add+remove, ${small}-member group`, smallMs, half, `p50 baseline; ${smallBare.text}`),
		rowFor(
			`member add+remove, ${big.toLocaleString("en-US")}-member group`,
			bigMs,
			half,
			`p50 ${ratio.toFixed(2)}× small (goal ≤ ${GOAL_RATIO}×) ${mark(passed)}; ${bigBare.text}`,
			passed,
		),
	];
}
