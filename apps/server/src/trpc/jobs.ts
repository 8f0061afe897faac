import { jobIdInput, jobListInput } from "@roster/domain/inputs/jobs";
import type { TRPCRouterRecord } from "@trpc/server";
import { listJobs, requireJob } from "../jobs/reads.ts";
import { adminProcedure } from "./trpc.ts";

/** The organization's background jobs (recomputes, imports) with their progress, for the Jobs screen. */
export const jobsRouter = {
	list: adminProcedure
		.input(jobListInput)
		.query(({ ctx, input }) => listJobs(ctx.db, ctx.organization.id, input.limit)),

	get: adminProcedure
		.input(jobIdInput)
		.query(({ ctx, input }) => requireJob(ctx.db, ctx.organization.id, input.id)),
} satisfies TRPCRouterRecord;
