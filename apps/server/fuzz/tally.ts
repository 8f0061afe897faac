import type { CaseKind } from "./cases.ts";
import type { FailureKind } from "./oracle.ts";
import type { Outcome } from "./runner.ts";

const EXAMPLES_KEPT = 8;
const SLOWEST_KEPT = 8;

interface FailureGroup {
	count: number;
	/** The first case numbers, replayable with `--replay`. */
	examples: number[];
}

function percentile(sorted: readonly number[], fraction: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/** Counts outcomes as they come, for the summary a run prints and the exit code it returns. */
export class FuzzTally {
	cases = 0;
	missingScimType = 0;
	/** The first 400s without `scimType`, by case number. */
	readonly missingScimTypeCases: number[] = [];
	readonly statuses = new Map<number, number>();
	/** Keyed `failure kind / case kind`, so a report groups findings by what was sent. */
	readonly failures = new Map<string, FailureGroup>();
	readonly #latencies: number[] = [];
	/** The slowest cases, slowest first: where a run's time went. */
	readonly slowest: { index: number; kind: CaseKind; ms: number; status: number }[] = [];

	add(outcome: Outcome): void {
		this.cases++;
		this.statuses.set(outcome.status, (this.statuses.get(outcome.status) ?? 0) + 1);
		this.#latencies.push(outcome.ms);
		if (outcome.missingScimType && this.missingScimType++ < EXAMPLES_KEPT) {
			this.missingScimTypeCases.push(outcome.index);
		}
		this.#noteSlow(outcome);
		for (const failure of outcome.failures) this.#fail(failure, outcome.kind, outcome.index);
	}

	#noteSlow({ index, kind, ms, status }: Outcome): void {
		if (this.slowest.length === SLOWEST_KEPT && ms <= (this.slowest.at(-1)?.ms ?? 0)) return;
		this.slowest.push({ index, kind, ms, status });
		this.slowest.sort((a, b) => b.ms - a.ms);
		this.slowest.length = Math.min(this.slowest.length, SLOWEST_KEPT);
	}

	#fail(failure: FailureKind, kind: CaseKind, index: number): void {
		const key = `${failure} / ${kind}`;
		const group = this.failures.get(key) ?? { count: 0, examples: [] };
		group.count++;
		if (group.examples.length < EXAMPLES_KEPT) group.examples.push(index);
		this.failures.set(key, group);
	}

	get failed(): boolean {
		return this.failures.size > 0;
	}

	/** Latency percentiles in ms over every case, answered or not. */
	latency(): { p50: number; p99: number; max: number } {
		const sorted = [...this.#latencies].sort((a, b) => a - b);
		return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 };
	}

	/** The summary lines: counts, statuses, failures with replayable case numbers, latency. */
	render(seed: number, durationMs: number): string[] {
		const { p50, p99, max } = this.latency();
		const statuses = [...this.statuses.entries()]
			.sort(([a], [b]) => a - b)
			.map(([status, count]) => `${status === 0 ? "none" : status}×${count}`)
			.join(" ");
		const lines = [
			`cases ${this.cases}, seed ${seed}, ${(durationMs / 1000).toFixed(1)} s, ${(this.cases / (durationMs / 1000)).toFixed(0)} cases/s`,
			`statuses: ${statuses}`,
			`latency: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
			`400s without scimType: ${this.missingScimType} (reported, not a failure; cases ${this.missingScimTypeCases.join(", ") || "none"})`,
		];
		const slow = this.slowest.map(
			({ index, kind, ms, status }) => `${index} (${kind}, ${status || "none"}, ${ms.toFixed(0)} ms)`,
		);
		lines.push(`slowest: ${slow.join(", ")}`);
		if (this.failures.size === 0) lines.push("failures: none");
		for (const [key, group] of [...this.failures.entries()].sort(([a], [b]) => a.localeCompare(b))) {
			lines.push(
				`FAIL ${key}: ${group.count} (cases ${group.examples.join(", ")}${group.count > group.examples.length ? ", …" : ""})`,
			);
		}
		return lines;
	}
}
