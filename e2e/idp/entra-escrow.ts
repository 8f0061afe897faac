import { type Clock, DAY, HOUR } from "./clock.ts";

/** Why an operation failed, as the provisioning log names it (entra.md §4; decision 0176). */
export type EscrowCode =
	| "EntryConflict"
	| "Unauthorized"
	| "TooManyRequests"
	| "ServerError"
	| "BadRequest"
	| "Timeout"
	| "ConnectionFailure";

/**
 * When the n-th retry of a failed operation runs, counted from its first failure (Microsoft Learn,
 * "Application provisioning in quarantine status", Retry duration): the next cycle, then 6, 12, 24, 48,
 * 96 and 168 hours after the first failure. After the last one the entry is flagged and not retried.
 */
export const ESCROW_RETRY_OFFSETS = [0, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 96 * HOUR, 168 * HOUR];

/** A failed operation waiting for its next attempt. */
export interface EscrowEntry {
	key: string;
	objectType: "User" | "Group";
	sourceId: string;
	sourceName: string;
	failures: number;
	firstFailedAt: number;
	lastFailedAt: number;
	code: EscrowCode;
	/** Undefined once flagged: no retries until provisioning is restarted. */
	nextAttemptAt: number | undefined;
}

/** The operations of one Entra job that failed and wait in escrow, keyed by object (`user:<id>`, …). */
export class EntraEscrow {
	readonly entries = new Map<string, EscrowEntry>();
	readonly #clock: Clock;

	constructor(clock: Clock) {
		this.#clock = clock;
	}

	/** True when the key has no entry, or its next attempt is due. */
	isDue(key: string): boolean {
		const entry = this.entries.get(key);
		if (!entry) return true;
		return entry.nextAttemptAt !== undefined && entry.nextAttemptAt <= this.#clock.now();
	}

	/** Records one more failure and schedules the next attempt by {@link ESCROW_RETRY_OFFSETS}. */
	fail(
		row: { key: string; objectType: "User" | "Group"; sourceId: string; sourceName: string },
		code: EscrowCode,
	): EscrowEntry {
		const now = this.#clock.now();
		const previous = this.entries.get(row.key);
		const failures = (previous?.failures ?? 0) + 1;
		const firstFailedAt = previous?.firstFailedAt ?? now;
		const offset = ESCROW_RETRY_OFFSETS[failures - 1];
		const entry: EscrowEntry = {
			key: row.key,
			objectType: row.objectType,
			sourceId: row.sourceId,
			sourceName: row.sourceName,
			failures,
			firstFailedAt,
			lastFailedAt: now,
			code,
			nextAttemptAt: offset === undefined ? undefined : firstFailedAt + offset,
		};
		this.entries.set(row.key, entry);
		return entry;
	}

	succeed(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}
}

/** The reasons Microsoft Graph's `synchronizationQuarantine.reason` uses that this mock imposes. */
export type QuarantineReason = "EncounteredQuarantineException" | "EncounteredEscrowProportionThreshold";

/** The job's quarantine, shaped like Graph's `synchronizationQuarantine`. */
export interface Quarantine {
	reason: QuarantineReason;
	error: { code: string; message: string };
	/** When this series of quarantined cycles began (four weeks after it, the job is disabled). */
	seriesBegan: number;
	/** When the quarantine was last evaluated and imposed. */
	currentBegan: number;
	nextAttempt: number;
	/** How many cycles in a row ended in quarantine. */
	seriesCount: number;
}

/** Share of failed operations above which a cycle puts the job in quarantine (Microsoft Learn: 40 %). */
export const QUARANTINE_FAILURE_SHARE = 0.4;
/** Fewer failed operations than this never quarantine by share (a base threshold, decision 0176). */
export const QUARANTINE_MIN_FAILURES = 5;
/** A job in quarantine for longer than this is disabled (Microsoft Learn: four weeks). */
export const QUARANTINE_DISABLE_AFTER = 28 * DAY;

/**
 * The verdict on a finished cycle: quarantine when every operation failed because the credentials were
 * refused (regardless of counts), or when more than 40 % of at least 5 operations failed; undefined
 * when the cycle was healthy (a quarantine ends when a cycle runs without those failures).
 */
export function quarantineReasonOf(counts: {
	operations: number;
	failures: number;
	unauthorized: number;
}): { reason: QuarantineReason; code: string; message: string } | undefined {
	if (counts.unauthorized > 0 && counts.unauthorized === counts.operations) {
		return {
			reason: "EncounteredQuarantineException",
			code: "Unauthorized",
			message:
				"The credentials in the Secret Token were refused (HTTP 401/403). Update the Secret Token, select Test Connection, then Restart provisioning.",
		};
	}
	if (
		counts.failures >= QUARANTINE_MIN_FAILURES &&
		counts.failures / counts.operations > QUARANTINE_FAILURE_SHARE
	) {
		return {
			reason: "EncounteredEscrowProportionThreshold",
			code: "EscrowProportionThreshold",
			message: `${counts.failures} of ${counts.operations} operations failed in the last cycle (more than ${QUARANTINE_FAILURE_SHARE * 100} %).`,
		};
	}
	return undefined;
}

/** The interval to the next cycle in quarantine: doubling from the normal interval, at most one day. */
export function quarantineInterval(cycleIntervalMs: number, seriesCount: number): number {
	return Math.min(DAY, cycleIntervalMs * 2 ** seriesCount);
}
