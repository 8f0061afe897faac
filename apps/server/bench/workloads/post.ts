import type { BenchContext } from "../context.ts";
import { warmThenRun } from "../load.ts";
import { entraUser } from "../scim-bodies.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";
import { floorKey } from "./floor.ts";

const GOAL_AT_FULL_CONCURRENCY = 0.18;

/** `POST /Users` with Entra-shaped bodies at 1 and N clients, as a ratio of the raw floor at the same concurrency. */
export async function postWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, http } = ctx;
	const rows: ResultRow[] = [];
	for (const clients of new Set([1, options.clients])) {
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
		if (!floor) {
			rows.push(loadRow("POST /Users", result, "no floor measured (add floor to --only)"));
			continue;
		}
		const ratio = result.ops / result.seconds / (floor.ops / floor.seconds);
		if (clients === options.clients) {
			const passed = ratio >= GOAL_AT_FULL_CONCURRENCY;
			rows.push(
				loadRow(
					"POST /Users",
					result,
					`${ratio.toFixed(3)}× floor (goal ≥ ${GOAL_AT_FULL_CONCURRENCY}×) ${mark(passed)}`,
					passed,
				),
			);
		} else {
			rows.push(loadRow("POST /Users", result, `${ratio.toFixed(3)}× floor`));
		}
	}
	return rows;
}
