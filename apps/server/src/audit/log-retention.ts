import { type Database, rows } from "@roster/db";
import { sql } from "drizzle-orm";
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
 * kept. Returns how many it deleted, or undefined when another replica holds the lock.
 */
async function pruneBatch(db: Database, batchRows: number): Promise<number | undefined> {
	return db.transaction(async (tx) => {
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
	});
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
		const deleted = await pruneBatch(db, batchRows);
		if (deleted === undefined) break;
		result.batches += 1;
		result.deleted += deleted;
		if (deleted < batchRows) break;
	}
	return result;
}

/** The pruning timer; `stop` waits for a run in progress to end its current batch. */
export type LogRetention = PeriodicTask;

/**
 * Prunes the provisioning log every `intervalMs`. The timer is unref'd so it never keeps the process
 * alive; failures are logged and the next run tries again.
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
		failure: "provisioning log pruning failed; retrying",
		async run(isStopped) {
			const result = await pruneProvisioningLog(db, { shouldStop: isStopped });
			if (result.deleted > 0) logger.info(result, "provisioning log pruned to each organization's retention");
		},
	});
}
