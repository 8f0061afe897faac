/** Time as the mock tenants see it: the server runs on {@link realClock}, the conformance suites on a {@link FakeClock}. */
export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Waits `ms` (a 429 back-off); a fake clock moves instead of waiting. */
	sleep(ms: number): Promise<void>;
}

/** Wall-clock time, for tenants that run as servers and benchmarks. */
export const realClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Virtual time for provisioning cycles, soft-delete grace periods and 429 back-off: tests advance it
 * instead of waiting. `onSleep` lets a test also wait in real time (e.g. for a real rate-limit window).
 */
export class FakeClock implements Clock {
	#now: number;
	readonly #onSleep: ((ms: number) => Promise<void>) | undefined;
	/** Every back-off wait in milliseconds, in order, so tests can assert the retry schedule. */
	readonly sleeps: number[] = [];

	constructor(options: { start?: number; onSleep?: (ms: number) => Promise<void> } = {}) {
		this.#now = options.start ?? Date.parse("2026-01-05T09:00:00Z");
		this.#onSleep = options.onSleep;
	}

	now(): number {
		return this.#now;
	}

	advance(ms: number): void {
		this.#now += ms;
	}

	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		this.#now += ms;
		if (this.#onSleep) await this.#onSleep(ms);
	}
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
