import { randomUUID } from "node:crypto";
import type { Database } from "@roster/db";
import { claimJob } from "../jobs/queue.ts";
import { type JobHandler, runJob } from "../jobs/worker.ts";
import { USER_IMPORT_JOB, userImportJob } from "./job.ts";
import { getUserImport, type UserImportView } from "./results.ts";

/** How often a waiting caller looks again while another worker (a server) runs the import, or a retry waits. */
const POLL_MS = 500;

/**
 * Waits for an import to finish, working on import jobs itself meanwhile: with embedded PGlite the server
 * is stopped while the CLI runs, so nobody else would; with PostgreSQL a server's worker may hold the job,
 * and then this only watches. `onProgress` hears the import's state after every chunk and every look.
 */
export async function driveUserImport(
	db: Database,
	input: { orgId: string; jobId: string; onProgress(view: UserImportView): void },
): Promise<UserImportView> {
	const workerId = `import-wait:${process.pid}:${randomUUID().slice(0, 8)}`;
	const reporting: JobHandler = {
		kind: USER_IMPORT_JOB,
		async step(tx, job) {
			const step = await userImportJob.step(tx, job);
			if (job.id === input.jobId) {
				const view = await getUserImport(tx, input.orgId, input.jobId);
				input.onProgress({ ...view, job: { ...view.job, done: step.done } });
			}
			return step;
		},
	};
	for (;;) {
		const view = await getUserImport(db, input.orgId, input.jobId);
		input.onProgress(view);
		if (view.job.status === "succeeded" || view.job.status === "failed") return view;
		const claimed = await claimJob(db, workerId, [USER_IMPORT_JOB]);
		if (claimed) await runJob(db, claimed, reporting, { workerId });
		else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
