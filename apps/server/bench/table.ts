import { type LoadResult, percentile } from "./load.ts";

/** One line of the result table; numeric cells are blank where they do not apply (RSS, n/a rows). */
export interface ResultRow {
	workload: string;
	clients?: number;
	ops?: number;
	opsPerSecond?: number;
	p50Ms?: number;
	p99Ms?: number;
	/** The measured ratio or total next to its goal, ending in PASS or MISS when there is a goal. */
	verdict: string;
	/** false for a missed goal, true for a met one, undefined when the row has no goal. */
	passed?: boolean;
	/** Server CPU per operation, printed under the table to show where a throughput goal is lost. */
	serverCpuMsPerOp?: number;
}

/** Turns a load run into a row: ops/s over the measured wall time, nearest-rank p50 and p99. */
export function loadRow(workload: string, result: LoadResult, verdict = "", passed?: boolean): ResultRow {
	return {
		workload,
		clients: result.clients,
		ops: result.ops,
		opsPerSecond: result.ops / result.seconds,
		p50Ms: percentile(result.latenciesMs, 0.5),
		p99Ms: percentile(result.latenciesMs, 0.99),
		verdict,
		...(passed === undefined ? {} : { passed }),
		...(result.serverCpuMsPerOp === undefined ? {} : { serverCpuMsPerOp: result.serverCpuMsPerOp }),
	};
}

/** "PASS" or "MISS", for verdict strings. */
export function mark(passed: boolean): string {
	return passed ? "PASS" : "MISS";
}

function cell(value: number | undefined, digits: number): string {
	if (value === undefined || Number.isNaN(value)) return "";
	return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Renders the rows as one Markdown table, so the same text goes to the terminal and to the docs. */
export function renderTable(rows: readonly ResultRow[]): string {
	const header = ["workload", "clients", "ops", "ops/s", "p50 ms", "p99 ms", "ratio/goal"];
	const body = rows.map((row) => [
		row.workload,
		row.clients === undefined ? "" : String(row.clients),
		cell(row.ops, 0),
		cell(row.opsPerSecond, 0),
		cell(row.p50Ms, 2),
		cell(row.p99Ms, 2),
		row.verdict,
	]);
	const widths = header.map((title, i) =>
		Math.max(title.length, ...body.map((line) => (line[i] ?? "").length)),
	);
	const numeric = new Set([1, 2, 3, 4, 5]);
	const format = (line: string[]) =>
		`| ${line.map((text, i) => (numeric.has(i) ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0))).join(" | ")} |`;
	const rule = `|${widths.map((width, i) => (numeric.has(i) ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
	return [format(header), rule, ...body.map(format)].join("\n");
}
