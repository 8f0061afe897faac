import { type Executor, type ImportRowOutcome, jobs, userImportRows } from "@roster/db";
import { and, asc, count, eq, gt } from "drizzle-orm";
import { findJob, type JobView } from "../jobs/reads.ts";
import { OperationError } from "../operation-error.ts";
import { USER_IMPORT_JOB, type UserImportPayload } from "./job.ts";

export type ImportCounts = Record<ImportRowOutcome | "pending", number>;

export interface UserImportView {
	job: JobView;
	connectionName: string;
	counts: ImportCounts;
}

async function requireImportJob(db: Executor, orgId: string, jobId: string) {
	const job = await findJob(db, orgId, jobId);
	if (!job || job.kind !== USER_IMPORT_JOB) throw new OperationError("not_found", "No such import");
	return job;
}

/** An import of the organization: its job's progress and how many rows came out each way. */
export async function getUserImport(db: Executor, orgId: string, jobId: string): Promise<UserImportView> {
	const job = await requireImportJob(db, orgId, jobId);
	const [stored] = await db.select({ payload: jobs.payload }).from(jobs).where(eq(jobs.id, job.id));
	const grouped = await db
		.select({ outcome: userImportRows.outcome, rows: count() })
		.from(userImportRows)
		.where(eq(userImportRows.jobId, job.id))
		.groupBy(userImportRows.outcome);
	const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, error: 0, pending: 0 };
	for (const { outcome, rows } of grouped) counts[outcome ?? "pending"] = rows;
	const payload = (stored?.payload ?? {}) as Partial<UserImportPayload>;
	return { job, connectionName: payload.connectionName ?? "", counts };
}

/** A page of an import's rows in row order (only errors with `errorsOnly`), after row `afterRow`. */
export async function listUserImportRows(
	db: Executor,
	orgId: string,
	input: { id: string; errorsOnly?: boolean; afterRow?: number; limit: number },
) {
	await requireImportJob(db, orgId, input.id);
	return db
		.select({
			rowNumber: userImportRows.rowNumber,
			userName: userImportRows.userName,
			outcome: userImportRows.outcome,
			userId: userImportRows.userId,
			error: userImportRows.error,
		})
		.from(userImportRows)
		.where(
			and(
				eq(userImportRows.jobId, input.id),
				gt(userImportRows.rowNumber, input.afterRow ?? 0),
				input.errorsOnly ? eq(userImportRows.outcome, "error") : undefined,
			),
		)
		.orderBy(asc(userImportRows.rowNumber))
		.limit(input.limit);
}
