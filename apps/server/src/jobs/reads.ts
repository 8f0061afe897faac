import { type Executor, type Job, jobs, rows } from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, desc, eq, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";

/** A job as the console and the CLI show it: no payload or checkpoint, which are the worker's business. */
export interface JobView {
	id: string;
	kind: string;
	status: Job["status"];
	done: number;
	total: number | null;
	attempts: number;
	maxAttempts: number;
	/** The last failure's one-line text. */
	error: string | null;
	createdBy: string | null;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
	/** When a queued job (a retry) is due. */
	runAfter: string;
}

const columns = {
	id: jobs.id,
	kind: jobs.kind,
	status: jobs.status,
	done: jobs.done,
	total: jobs.total,
	attempts: jobs.attempts,
	maxAttempts: jobs.maxAttempts,
	error: jobs.error,
	createdBy: jobs.createdBy,
	createdAt: jobs.createdAt,
	startedAt: jobs.startedAt,
	finishedAt: jobs.finishedAt,
	runAfter: jobs.runAfter,
};

type JobRow = { [K in keyof typeof columns]: Job[K] };

function view(row: JobRow): JobView {
	return {
		...row,
		createdAt: row.createdAt.toISOString(),
		startedAt: row.startedAt?.toISOString() ?? null,
		finishedAt: row.finishedAt?.toISOString() ?? null,
		runAfter: row.runAfter.toISOString(),
	};
}

/** An organization's jobs, newest first: what runs now and what ran recently. Never another tenant's. */
export async function listJobs(db: Executor, orgId: string, limit = 50): Promise<JobView[]> {
	const found = await db
		.select(columns)
		.from(jobs)
		.where(eq(jobs.orgId, orgId))
		.orderBy(desc(jobs.createdAt), desc(jobs.id))
		.limit(limit);
	return found.map(view);
}

/** One of the organization's jobs, or undefined (also for another organization's id). */
export async function findJob(db: Executor, orgId: string, id: string): Promise<JobView | undefined> {
	if (!isUuid(id)) return undefined;
	const [found] = await db
		.select(columns)
		.from(jobs)
		.where(and(eq(jobs.orgId, orgId), eq(jobs.id, id)));
	return found && view(found);
}

/** One of the organization's jobs; an unknown id (or another organization's) is `not_found`. */
export async function requireJob(db: Executor, orgId: string, id: string): Promise<JobView> {
	const found = await findJob(db, orgId, id);
	if (!found) throw new OperationError("not_found", `Unknown job "${id}"`);
	return found;
}

export interface QueueDepth {
	kind: string;
	status: "queued" | "running";
	count: number;
}

/**
 * Jobs waiting or running per kind and status, from the claim index: the `/metrics` queue depth. Each of
 * `kinds` is reported even when it has no job, so an idle queue reads 0 rather than nothing.
 */
export async function jobQueueDepth(db: Executor, kinds: readonly string[] = []): Promise<QueueDepth[]> {
	const found = await rows<QueueDepth>(
		db,
		sql`select kind, status, count(*)::int as count from jobs
			where status in ('queued', 'running') group by kind, status`,
	);
	const statuses = ["queued", "running"] as const;
	const zeros = kinds.flatMap((kind) => statuses.map((status) => ({ kind, status, count: 0 })));
	const counted = new Map([...zeros, ...found].map((depth) => [`${depth.kind} ${depth.status}`, depth]));
	return [...counted.values()].sort(
		(a, b) => a.kind.localeCompare(b.kind) || a.status.localeCompare(b.status),
	);
}
