import { z } from "zod";

/** `jobs.list`: the organization's most recent jobs (running and finished), newest first. */
export const jobListInput = z
	.object({ limit: z.number().int().min(1).max(200).default(50) })
	.default({ limit: 50 });

/** `jobs.get`: one job of the organization, by id. */
export const jobIdInput = z.object({ id: z.string().min(1).max(64) });
