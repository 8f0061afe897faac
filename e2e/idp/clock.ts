/**
 * Virtual time for provisioning cycles, soft-delete grace periods and 429 back-off: tests advance it
 * instead of waiting. `onSleep` lets a test also wait in real time (e.g. for a real rate-limit window).
 */
export class FakeClock {
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
export const DAY = 24 * 60 * MINUTE;
