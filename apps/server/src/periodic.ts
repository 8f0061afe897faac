import type { Logger } from "./logger.ts";

/** A background task of the server process (audit sealing, log pruning). */
export interface PeriodicTask {
	/** Stops the timer and waits for a run in progress to end. */
	stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, measured from the end of the previous run so runs never overlap. The
 * timer is unref'd so it never keeps the process alive; a failed run is logged with `failure` and the next
 * one tries again. `run` gets `isStopped` to end long work early once `stop` was called.
 */
export function startPeriodic(options: {
	intervalMs: number;
	logger: Logger;
	failure: string;
	run: (isStopped: () => boolean) => Promise<void>;
}): PeriodicTask {
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<void> = Promise.resolve();
	let stopped = false;
	const isStopped = () => stopped;

	function schedule(): void {
		if (stopped) return;
		timer = setTimeout(() => {
			running = options
				.run(isStopped)
				.catch((error: unknown) => options.logger.warn({ err: error }, options.failure))
				.finally(schedule);
		}, options.intervalMs);
		timer.unref();
	}

	schedule();
	return {
		async stop() {
			stopped = true;
			clearTimeout(timer);
			await running;
		},
	};
}
