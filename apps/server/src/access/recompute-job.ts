import { type Job, organizations, type Transaction } from "@roster/db";
import { eq } from "drizzle-orm";
import { accessMetadata } from "../audit/access-evidence.ts";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { enqueueJob } from "../jobs/queue.ts";
import type { JobHandler, JobStep } from "../jobs/worker.ts";
import { type KeysetScope, recomputePage, type ScopeKey } from "./recompute.ts";

export const RECOMPUTE_JOB = "access.recompute";

interface RecomputePayload {
	scope: KeysetScope;
	/** The mapping change that asked for it, named in the closing audit event. */
	mappingId: string;
	actor: OperatorActor;
}

interface RecomputeCheckpoint {
	after: ScopeKey | null;
	usersChanged: number;
}

/**
 * Enqueues the recompute of `scope` in the mapping change's own transaction, so the committed change and
 * the job that brings stored decisions in line with it exist together or not at all.
 */
export async function enqueueRecompute(
	tx: Transaction,
	input: { orgId: string; scope: KeysetScope; total: number; mappingId: string; actor: OperatorActor },
): Promise<Job> {
	const payload: RecomputePayload = { scope: input.scope, mappingId: input.mappingId, actor: input.actor };
	const job = await enqueueJob(tx, {
		kind: RECOMPUTE_JOB,
		orgId: input.orgId,
		payload: { ...payload },
		total: input.total,
		createdBy: input.actor.name,
	});
	if (!job) throw new Error("a recompute job was not enqueued");
	return job;
}

/**
 * Recomputes one chunk (`RECOMPUTE_CHUNK` users) per step against the organization's mappings as they
 * are now, so a later change while the job runs is honoured by the chunks still to come. The last chunk
 * records `ACCESS_RECOMPUTED` with the totals in its own transaction.
 */
export const recomputeJobHandler: JobHandler = {
	kind: RECOMPUTE_JOB,
	async step(tx, job): Promise<JobStep> {
		const payload = job.payload as unknown as RecomputePayload;
		const at = (job.checkpoint ?? { after: null, usersChanged: 0 }) as unknown as RecomputeCheckpoint;
		const [organization] = await tx
			.select()
			.from(organizations)
			.where(eq(organizations.id, job.orgId as string));
		if (!organization) throw new Error("the job's organization is gone");
		const page = await recomputePage(tx, organization, payload.scope, at.after ?? undefined);
		const done = job.done + page.usersExamined;
		const usersChanged = at.usersChanged + page.usersChanged;
		const finished = page.next === undefined;
		if (finished) {
			await recordOperatorEvents(tx, organization.id, payload.actor, [
				{
					action: "ACCESS_RECOMPUTED",
					entityType: "RoleMapping",
					entityId: payload.mappingId,
					entityName: `job ${job.id}`,
					metadata: { ...accessMetadata({ usersExamined: done, usersChanged }), jobId: job.id },
				},
			]);
		}
		const checkpoint: RecomputeCheckpoint = { after: page.next ?? null, usersChanged };
		return { checkpoint: { ...checkpoint }, done, total: finished ? done : job.total, finished };
	},
};
