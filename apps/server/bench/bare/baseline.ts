import type { BenchContext } from "../context.ts";
import type { LoadResult } from "../load.ts";
import { mark } from "../table.ts";

/** Where the `bare` workload keeps its results in `ctx.measured`, for the Roster workloads to compare with. */
export const bareKeys = {
	post: (clients: number) => `bare:post@${clients}`,
	lookup: "bare:lookup",
	deprovision: "bare:deprovision",
	membersSmall: "bare:members-small",
	membersBig: "bare:members-big",
	/** The Entra initial cycle: its `seconds` is the cycle's wall time. */
	sync: "bare:sync",
} as const;

/**
 * A one-client sequence as a load result whose wall time is the sum of its request times, so a
 * sequence's throughput compares with another's without the bench's own checks in between.
 */
export function sequentialResult(latenciesMs: number[]): LoadResult {
	return {
		clients: 1,
		ops: latenciesMs.length,
		seconds: latenciesMs.reduce((sum, ms) => sum + ms, 0) / 1000,
		latenciesMs,
	};
}

/**
 * `N× bare`: Roster's throughput over the bare server's for the same operation in the same run, with
 * a PASS/MISS against `goal` when there is one; says how to get a baseline when `bare` did not run.
 */
export function versusBare(
	ctx: BenchContext,
	key: string,
	result: LoadResult,
	goal?: number,
): { text: string; passed?: boolean } {
	const bare = ctx.measured.get(key);
	if (!bare) return { text: "no bare baseline (add bare to --only)" };
	const ratio = result.ops / result.seconds / (bare.ops / bare.seconds);
	if (goal === undefined) return { text: `${ratio.toFixed(3)}× bare` };
	const passed = ratio >= goal;
	return { text: `${ratio.toFixed(3)}× bare (goal ≥ ${goal}×) ${mark(passed)}`, passed };
}

/** Whether every goal a row checks was met, or undefined when it checks none. */
export function allPassed(goals: ReadonlyArray<boolean | undefined>): boolean | undefined {
	const checked = goals.filter((goal): goal is boolean => goal !== undefined);
	return checked.length === 0 ? undefined : checked.every(Boolean);
}
