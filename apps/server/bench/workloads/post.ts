import { allPassed, bareKeys, versusBare } from "../bare/baseline.ts";
import type { BenchContext } from "../context.ts";
import { warmThenRun } from "../load.ts";
import { entraUser } from "../scim-bodies.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";
import { floorKey } from "./floor.ts";

const GOAL_AT_FULL_CONCURRENCY = 0.18;
const GOAL_VS_BARE_AT_FULL_CONCURRENCY = 0.5;

/**
 * `POST /Users` with Entra-shaped bodies at 1 and N clients, as a ratio of the raw floor and of the
 * bare server at the same concurrency.
 */
export async function postWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, http } = ctx;
	const rows: ResultRow[] = [];
	for (const clients of new Set([1, options.clients])) {
		const full = clients === options.clients;
		const result = await warmThenRun({
			clients,
			seconds: options.seconds,
			maxOps: options.maxOps,
			serverCpuSeconds: () => ctx.server.cpuSeconds(),
			operation: async (worker, sequence) => {
				const userName = `post-${clients}-${worker}-${sequence}@bench.example`;
				await http.expect(201, "POST", "/Users", entraUser(userName, sequence));
			},
		});
		const floor = ctx.measured.get(floorKey(clients));
		let floorText = "no floor measured (add floor to --only)";
		let floorPassed: boolean | undefined;
		if (floor) {
			const ratio = result.ops / result.seconds / (floor.ops / floor.seconds);
			floorText = `${ratio.toFixed(3)}× floor`;
			if (full) {
				floorPassed = ratio >= GOAL_AT_FULL_CONCURRENCY;
				floorText += ` (goal ≥ ${GOAL_AT_FULL_CONCURRENCY}×) ${mark(floorPassed)}`;
			}
		}
		const bare = versusBare(
			ctx,
			bareKeys.post(clients),
			result,
			full ? GOAL_VS_BARE_AT_FULL_CONCURRENCY : undefined,
		);
		rows.push(
			loadRow("POST /Users", result, `${floorText}; ${bare.text}`, allPassed([floorPassed, bare.passed])),
		);
	}
	return rows;
}
