import { type Database, jobs, rows, type Transaction } from "@roster/db";
import { lt, sql } from "drizzle-orm";
import { enqueueJob } from "../jobs/queue.ts";
import type { JobHandler } from "../jobs/worker.ts";
import type { Logger } from "../logger.ts";
import { type PeriodicTask, startPeriodic } from "../periodic.ts";
import { ACTIVITY_COLUMNS, dropEmptiedBuckets, subtractActivityOf } from "./activity-rollup.ts";

/** One key for every replica: whoever holds it is the only pruner for the length of one batch. */
const PRUNER_LOCK = sql`pg_try_advisory_xact_lock(5861042290)`;

/** Rows per delete statement: keeps each transaction, its locks and its WAL small on a busy log. */
export const PRUNE_BATCH_ROWS = 5000;

export interface PruneResult {
	deleted: number;
	/** Delete statements run; each removed at most the batch size. */
	batches: number;
}

/**
 * Deletes at most `batchRows` rows older than their own organization's `provisioning_log_retention_days`
 * (0 keeps nothing), found per organization through the `(org_id, occurred_at)` index and deleted by
 * primary key (`= any(array(…))`: an `in (subquery)` plans as a scan of the whole log). The same statement
 * subtracts the deleted rows from the dashboard's hourly rollup, so it keeps counting exactly the rows
 * kept. Runs in the caller's transaction; returns how many it deleted, or undefined when another replica
 * holds the lock.
 */
async function pruneBatch(tx: Transaction, batchRows: number): Promise<number | undefined> {
	const [lock] = await rows<{ locked: boolean }>(tx, sql`select ${PRUNER_LOCK} as locked`);
	if (lock?.locked !== true) return undefined;
	const [result] = await rows<{ deleted: number }>(
		tx,
		sql`with expired as (
				select expired_row.id from organizations o
				cross join lateral (
					select l.id from provisioning_log l
					where l.org_id = o.id
						and l.occurred_at < now() - make_interval(days => o.provisioning_log_retention_days)
					limit ${batchRows}
				) as expired_row
				limit ${batchRows}
			), deleted as (
				delete from provisioning_log where id = any (array(select id from expired)) returning ${ACTIVITY_COLUMNS}
			), uncounted as (
				${subtractActivityOf(sql.raw("deleted"))}
			)
			select count(*)::int as deleted from deleted`,
	);
	await dropEmptiedBuckets(tx);
	return result?.deleted ?? 0;
}

/**
 * Prunes the provisioning log of every organization to its retention, a bounded batch per transaction
 * until none is left (or `shouldStop` says so). Safe on several replicas: one prunes while the others
 * find the lock taken and leave the work to it.
 */
export async function pruneProvisioningLog(
	db: Database,
	options: { batchRows?: number; shouldStop?: () => boolean } = {},
): Promise<PruneResult> {
	const batchRows = options.batchRows ?? PRUNE_BATCH_ROWS;
	const result: PruneResult = { deleted: 0, batches: 0 };
	while (!options.shouldStop?.()) {
		const deleted = await db.transaction((tx) => pruneBatch(tx, batchRows));
		if (deleted === undefined) break;
		result.batches += 1;
		result.deleted += deleted;
		if (deleted < batchRows) break;
	}
	return result;
}

export const LOG_RETENTION_JOB = "audit.log-retention";

/** Finished jobs are kept this long for the console's and the CLI's "recent jobs", then pruned with the log. */
export const FINISHED_JOB_RETENTION_DAYS = 7;

/**
 * The pruning as a job: one batch per chunk, in the chunk's transaction with its checkpoint, until a batch
 * comes back short; the last chunk also drops jobs finished more than `FINISHED_JOB_RETENTION_DAYS` ago.
 * Its singleton key makes it one job however many replicas schedule it.
 */
export const logRetentionJobHandler: JobHandler = {
	kind: LOG_RETENTION_JOB,
	async step(tx, job) {
		const deleted = await pruneBatch(tx, PRUNE_BATCH_ROWS);
		const done = job.done + (deleted ?? 0);
		const finished = deleted === undefined || deleted < PRUNE_BATCH_ROWS;
		if (finished) {
			await tx
				.delete(jobs)
				.where(lt(jobs.finishedAt, sql`now() - make_interval(days => ${FINISHED_JOB_RETENTION_DAYS})`));
		}
		return { checkpoint: { deleted: done }, done, finished };
	},
};

/** Enqueues a pruning job unless one is already queued or running (in any replica). */
export async function scheduleLogRetention(db: Database): Promise<void> {
	await enqueueJob(db, { kind: LOG_RETENTION_JOB, singletonKey: LOG_RETENTION_JOB, maxAttempts: 1 });
}

/** The pruning schedule; `stop` waits for an enqueue in progress. */
export type LogRetention = PeriodicTask;

/**
 * Schedules a pruning job every `intervalMs`; the job workers run it (exactly once across replicas) and log
 * how many rows it deleted. The timer is unref'd; a failed enqueue is logged and the next one tries again.
 */
export function startLogRetention(options: {
	db: Database;
	intervalMs: number;
	logger: Logger;
}): LogRetention {
	const { db, intervalMs, logger } = options;
	return startPeriodic({
		intervalMs,
		logger,
		failure: "scheduling provisioning log pruning failed; retrying",
		run: () => scheduleLogRetention(db),
	});
}
