import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Database, Job, Transaction } from "@roster/db";
import { describeFailure } from "../failure.ts";
import type { Logger } from "../logger.ts";
import { type PeriodicTask, startPeriodic } from "../periodic.ts";
import {
	checkpointJob,
	claimJob,
	failJob,
	JOB_LEASE_MS,
	LostLease,
	releaseJob,
	renewLease,
} from "./queue.ts";

/** What one chunk of a job did, stored with the chunk's effect in its transaction. */
export interface JobStep {
	/** Where the next chunk starts. */
	checkpoint: Record<string, unknown>;
	/** Units done so far, in all chunks. */
	done: number;
	total?: number | null;
	finished: boolean;
}

/**
 * A kind of job. `step` runs one chunk inside `tx`, on the job as last committed (its `checkpoint`), and
 * writes only through `tx`: the chunk, its checkpoint and the lease renewal commit or roll back together,
 * so a crash replays at most the chunk that did not commit.
 */
export interface JobHandler {
	kind: string;
	step(tx: Transaction, job: Job): Promise<JobStep>;
}

export type JobOutcome = "succeeded" | "failed" | "released" | "lost";

/**
 * How long a job rests after each chunk, per millisecond the chunk took: a job keeps at most half of one
 * connection's time and leaves the rest to the SCIM traffic it shares the cores and the database with
 * (a 100,000-user recompute at full speed doubled lookups' p99; decision 0227).
 */
const REST_PER_BUSY_MS = 1;

function rest(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a claimed job chunk by chunk, resting after each as long as it took, until it finishes, fails an
 * attempt, or `isStopped` says to give it back.
 */
export async function runJob(
	db: Database,
	job: Job,
	handler: JobHandler,
	options: {
		workerId: string;
		isStopped?: () => boolean;
		leaseMs?: number;
		/** Called after each committed chunk. */
		onStep?: (step: JobStep) => void;
		/** Waits between chunks for the given milliseconds (tests observe it); a timer unless given. */
		rest?: (ms: number) => Promise<void>;
	},
): Promise<JobOutcome> {
	const { workerId } = options;
	for (;;) {
		if (options.isStopped?.()) {
			await releaseJob(db, job, workerId);
			return "released";
		}
		try {
			const started = performance.now();
			const step = await db.transaction(async (tx) => {
				const held = await renewLease(tx, job, workerId, options.leaseMs ?? JOB_LEASE_MS);
				const step = await handler.step(tx, held);
				await checkpointJob(tx, held, step);
				return step;
			});
			options.onStep?.(step);
			if (step.finished) return "succeeded";
			await (options.rest ?? rest)((performance.now() - started) * REST_PER_BUSY_MS);
		} catch (error) {
			if (error instanceof LostLease) return "lost";
			await failJob(db, job, workerId, describeFailure(error));
			return "failed";
		}
	}
}

/** The job worker of one process; `stop` gives a job in progress back after its current chunk. */
export interface JobWorker extends PeriodicTask {
	readonly workerId: string;
}

/**
 * Polls for due jobs of the handlers' kinds every `intervalMs` and runs them one after another until none
 * is due. Any number of processes may run a worker on one database: claims never overlap.
 */
export function startJobWorker(options: {
	db: Database;
	handlers: readonly JobHandler[];
	intervalMs: number;
	logger: Logger;
	leaseMs?: number;
}): JobWorker {
	const { db, logger } = options;
	const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
	const byKind = new Map(options.handlers.map((handler) => [handler.kind, handler]));
	const kinds = [...byKind.keys()];
	const task = startPeriodic({
		intervalMs: options.intervalMs,
		logger,
		failure: "claiming background jobs failed; retrying",
		async run(isStopped) {
			while (!isStopped()) {
				const job = await claimJob(db, workerId, kinds, options.leaseMs);
				if (!job) return;
				const handler = byKind.get(job.kind) as JobHandler;
				let done = job.done;
				const outcome = await runJob(db, job, handler, {
					workerId,
					isStopped,
					leaseMs: options.leaseMs,
					onStep: (step) => {
						done = step.done;
					},
				});
				const fields = { jobId: job.id, kind: job.kind, attempt: job.attempts, outcome, done };
				if (outcome === "failed") logger.warn(fields, "background job attempt failed");
				else logger.info(fields, "background job ran");
			}
		},
	});
	return { workerId, stop: () => task.stop() };
}
