import { type Executor, type Job, jobs, type Transaction } from "@roster/db";
import { and, eq, sql } from "drizzle-orm";

/** How long a claim holds without a renewal; every chunk renews it, so a chunk must take less. */
export const JOB_LEASE_MS = 60_000;

/** A new job as an operation states it, enqueued inside that operation's transaction. */
export interface JobRequest {
	kind: string;
	orgId?: string | null;
	payload?: Record<string, unknown>;
	/** Units of work when known up front (users to recompute, rows to import). */
	total?: number | null;
	/** Only one queued or running job per key: a second enqueue while one is pending is dropped. */
	singletonKey?: string;
	maxAttempts?: number;
	createdBy?: string;
}

/**
 * Adds a job in the caller's transaction, so it exists exactly when the write that asked for it commits.
 * Returns the job, or undefined when a job with the same `singletonKey` is already queued or running.
 */
export async function enqueueJob(db: Executor, request: JobRequest): Promise<Job | undefined> {
	const [job] = await db
		.insert(jobs)
		.values({
			kind: request.kind,
			orgId: request.orgId ?? null,
			payload: request.payload ?? {},
			total: request.total ?? null,
			singletonKey: request.singletonKey ?? null,
			maxAttempts: request.maxAttempts ?? 5,
			createdBy: request.createdBy ?? null,
		})
		.onConflictDoNothing({
			target: jobs.singletonKey,
			where: sql`${jobs.status} in ('queued', 'running')`,
		})
		.returning();
	return job;
}

/**
 * Claims the oldest job of `kinds` that is due, or whose worker's lease ran out (it died mid-job), for
 * `workerId`: `for update skip locked` lets several replicas claim at once without ever taking the same
 * job. Each claim counts as an attempt. Returns undefined when nothing is due.
 */
export async function claimJob(
	db: Executor,
	workerId: string,
	kinds: readonly string[],
	leaseMs = JOB_LEASE_MS,
): Promise<Job | undefined> {
	if (kinds.length === 0) return undefined;
	const kindList = sql.join(
		kinds.map((kind) => sql`${kind}`),
		sql`, `,
	);
	const [job] = await db
		.update(jobs)
		.set({
			status: "running",
			attempts: sql`${jobs.attempts} + 1`,
			lockedBy: workerId,
			leaseUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
			startedAt: sql`coalesce(${jobs.startedAt}, now())`,
		})
		.where(
			eq(
				jobs.id,
				sql`(select id from jobs where kind in (${kindList}) and (
					(status = 'queued' and run_after <= now()) or (status = 'running' and lease_until < now()))
					order by run_after, created_at limit 1 for update skip locked)`,
			),
		)
		.returning();
	return job;
}

/** Thrown inside a chunk's transaction when the job is no longer this worker's: the chunk rolls back. */
export class LostLease extends Error {
	override name = "LostLease";
}

/**
 * Locks the job row for the chunk's transaction and renews the lease, proving `workerId` still holds it.
 * Taken first in every chunk, so a chunk's effect commits only with the claim that allowed it: a worker
 * whose lease passed and was claimed by another finds 0 rows and rolls its chunk back.
 */
export async function renewLease(
	tx: Transaction,
	job: Pick<Job, "id">,
	workerId: string,
	leaseMs = JOB_LEASE_MS,
): Promise<Job> {
	const [held] = await tx
		.update(jobs)
		.set({ leaseUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
		.where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId), eq(jobs.status, "running")))
		.returning();
	if (!held) throw new LostLease(`job ${job.id} is no longer held by ${workerId}`);
	return held;
}

/** Stores a chunk's checkpoint and progress in the chunk's own transaction, finishing the job on the last. */
export async function checkpointJob(
	tx: Transaction,
	job: Pick<Job, "id">,
	step: { checkpoint: Record<string, unknown>; done: number; total?: number | null; finished: boolean },
): Promise<void> {
	await tx
		.update(jobs)
		.set({
			checkpoint: step.checkpoint,
			done: step.done,
			...(step.total !== undefined && { total: step.total }),
			...(step.finished && {
				status: "succeeded" as const,
				finishedAt: sql`now()`,
				leaseUntil: null,
				lockedBy: null,
				error: null,
			}),
		})
		.where(eq(jobs.id, job.id));
}

/** Seconds to wait before attempt `attempts + 1`: 2, 4, 8 … capped at ten minutes. */
export function retryDelaySeconds(attempts: number): number {
	return Math.min(600, 2 ** Math.max(1, attempts));
}

/**
 * Records a failed attempt by `workerId`: queued again after a backoff while attempts remain, else failed.
 * Its checkpoint stays, so the retry resumes after the last committed chunk.
 */
export async function failJob(db: Executor, job: Job, workerId: string, error: string): Promise<void> {
	const final = job.attempts >= job.maxAttempts;
	await db
		.update(jobs)
		.set({
			status: final ? "failed" : "queued",
			error: error.slice(0, 500),
			leaseUntil: null,
			lockedBy: null,
			runAfter: sql`now() + make_interval(secs => ${retryDelaySeconds(job.attempts)})`,
			...(final && { finishedAt: sql`now()` }),
		})
		.where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
}

/** Gives a claimed job back untouched (a worker stopping between chunks), due at once, the attempt not counted. */
export async function releaseJob(db: Executor, job: Job, workerId: string): Promise<void> {
	await db
		.update(jobs)
		.set({
			status: "queued",
			leaseUntil: null,
			lockedBy: null,
			attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
		})
		.where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId), eq(jobs.status, "running")));
}
