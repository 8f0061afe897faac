import { performance } from "node:perf_hooks";

/** What a load run measured: completed operations, wall time, and each operation's latency. */
export interface LoadResult {
	clients: number;
	ops: number;
	seconds: number;
	latenciesMs: number[];
	/** Server CPU time per measured operation, when the caller passed a way to read the server's CPU. */
	serverCpuMsPerOp?: number;
}

/** One operation of a workload; `worker` and `sequence` let it build unique inputs without shared state. */
export type Operation = (worker: number, sequence: number) => Promise<void>;

/**
 * Runs `clients` concurrent workers, each awaiting one operation at a time, until `seconds` pass or
 * `maxOps` have started. A failing operation stops the run and rethrows: a benchmark that counts
 * errors as work would report numbers the server never earned.
 */
export async function runLoad(options: {
	clients: number;
	seconds: number;
	maxOps: number;
	operation: Operation;
}): Promise<LoadResult> {
	const latenciesMs: number[] = [];
	const started = performance.now();
	const deadline = started + options.seconds * 1000;
	let issued = 0;
	let failure: unknown;
	const worker = async (id: number) => {
		let sequence = 0;
		while (failure === undefined && issued < options.maxOps && performance.now() < deadline) {
			issued += 1;
			const begin = performance.now();
			try {
				await options.operation(id, sequence++);
			} catch (error) {
				failure ??= error;
				return;
			}
			latenciesMs.push(performance.now() - begin);
		}
	};
	await Promise.all(Array.from({ length: options.clients }, (_, id) => worker(id)));
	if (failure !== undefined) throw failure;
	return {
		clients: options.clients,
		ops: latenciesMs.length,
		seconds: (performance.now() - started) / 1000,
		latenciesMs,
	};
}

/**
 * Runs a short unmeasured warm-up (JIT, connection pools, plan caches) and then the measured load,
 * with operation sequences continuing so the two never reuse an input.
 */
export async function warmThenRun(options: {
	clients: number;
	seconds: number;
	maxOps: number;
	operation: Operation;
	/** Reads the server's CPU seconds so far; with it the result carries the server's CPU per operation. */
	serverCpuSeconds?: () => number;
}): Promise<LoadResult> {
	const offset = 1_000_000_000;
	await runLoad({
		...options,
		seconds: Math.min(2, Math.max(0.5, options.seconds / 5)),
		maxOps: Math.min(options.maxOps, 5_000),
		operation: (worker, sequence) => options.operation(worker, offset + sequence),
	});
	const cpuBefore = options.serverCpuSeconds?.();
	const result = await runLoad(options);
	if (cpuBefore === undefined || !options.serverCpuSeconds || result.ops === 0) return result;
	return { ...result, serverCpuMsPerOp: ((options.serverCpuSeconds() - cpuBefore) * 1000) / result.ops };
}

/** The `fraction` quantile (nearest rank) of a set of latencies, in ms. */
export function percentile(latenciesMs: readonly number[], fraction: number): number {
	if (latenciesMs.length === 0) return Number.NaN;
	const sorted = [...latenciesMs].sort((a, b) => a - b);
	const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
	return sorted[rank - 1] ?? Number.NaN;
}

/** Times one awaited step, for workloads that measure a sequence instead of a load. */
export async function timed<T>(latenciesMs: number[], step: () => Promise<T>): Promise<T> {
	const begin = performance.now();
	const result = await step();
	latenciesMs.push(performance.now() - begin);
	return result;
}
