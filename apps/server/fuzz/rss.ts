import type { ServerProcess } from "../bench/server.ts";

const SETTLE_MIN_MS = 5_000;
const SETTLE_MAX_MS = 30_000;
const SAMPLE_MS = 1_000;
const STEADY_MB = 1;

/** "Back to baseline": at most 30 MiB or 20 % above it, whichever is more (V8 keeps some heap it grew). */
export function backToBaseline(baselineMb: number, afterMb: number): boolean {
	return afterMb <= Math.max(baselineMb + 30, baselineMb * 1.2);
}

/**
 * The server's RSS once it is idle: sampled every second for at least 5 s (V8's memory reducer runs its
 * GCs when the process goes idle) until two samples agree within 1 MiB, at most 30 s.
 */
export async function settledRssMb(server: ServerProcess): Promise<number> {
	const started = Date.now();
	let last = server.rssMb();
	while (Date.now() - started < SETTLE_MAX_MS) {
		await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
		const now = server.rssMb();
		if (Date.now() - started >= SETTLE_MIN_MS && Math.abs(now - last) < STEADY_MB) return now;
		last = now;
	}
	return last;
}

/** Samples RSS every 200 ms while load runs; `stop` returns the peak seen. */
export function watchPeakRss(server: ServerProcess): { stop(): number } {
	let peak = server.rssMb();
	const timer = setInterval(() => {
		peak = Math.max(peak, server.rssMb());
	}, 200);
	return {
		stop() {
			clearInterval(timer);
			return Math.max(peak, server.rssMb());
		},
	};
}
