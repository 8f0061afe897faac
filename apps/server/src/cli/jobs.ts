import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Database } from "@roster/db";
import { type JobView, listJobs, requireJob } from "../jobs/reads.ts";
import { OperationError } from "../operation-error.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";

const org = { flag: "org", value: "SLUG", required: true } as const;
const BAR_WIDTH = 30;
const WATCH_INTERVAL_MS = 500;

/** `[#######.......]  42% 4,200/10,000`, or the count alone while the total is unknown. */
export function progressText(job: Pick<JobView, "done" | "total" | "status">): string {
	const count =
		job.total === null
			? job.done.toLocaleString("en")
			: `${job.done.toLocaleString("en")}/${job.total.toLocaleString("en")}`;
	if (job.total === null || job.total === 0)
		return job.status === "succeeded" ? `[${"#".repeat(BAR_WIDTH)}] 100% ${count}` : count;
	const share = Math.min(1, job.done / job.total);
	const filled = Math.round(share * BAR_WIDTH);
	return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${count}`;
}

function jobLine(job: JobView): string {
	const tries = `attempt ${job.attempts}/${job.maxAttempts}`;
	const error = job.error ? `\t${job.error}` : "";
	return `${job.id}\t${job.kind}\t${job.status}\t${progressText(job)}\t${tries}\t${job.createdAt}${error}`;
}

/**
 * Follows a job until it ends: on a terminal one line redrawn in place, otherwise a line per change, so a
 * log keeps every step. A failed job ends the command with its error (non-zero exit).
 */
async function watchJob(
	db: Database,
	orgId: string,
	id: string,
	stdout: Writable,
	intervalMs: number,
): Promise<JobView> {
	const terminal = (stdout as { isTTY?: boolean }).isTTY === true;
	let shown = "";
	for (;;) {
		const job = await requireJob(db, orgId, id);
		const line = `${job.kind} ${job.status} ${progressText(job)}`;
		if (line !== shown) {
			stdout.write(terminal ? `\r\u001b[2K${line}` : `${line}\n`);
			shown = line;
		}
		if (job.status === "succeeded" || job.status === "failed") {
			if (terminal) stdout.write("\n");
			if (job.status === "failed")
				throw new OperationError("conflict", `Job ${job.id} failed: ${job.error ?? "unknown error"}`);
			return job;
		}
		await sleep(intervalMs);
	}
}

/** `jobs list` and `jobs watch`: an organization's background jobs and their progress. */
export const jobCommands: Command[] = [
	{
		name: "jobs list",
		usage: [org],
		description: "list the organization's recent background jobs with status and progress, newest first",
		transaction: false,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const jobs = await listJobs(db, organization.id);
			return jobs.length === 0 ? ["No jobs"] : jobs.map(jobLine);
		},
	},
	{
		name: "jobs watch",
		usage: [org, { flag: "id", value: "ID", required: true }],
		description: "follow a background job with a progress bar until it succeeds (exit 0) or fails (exit 1)",
		transaction: false,
		async run({ db, values, stdout }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const job = await watchJob(db, organization.id, need(values, "id"), stdout, WATCH_INTERVAL_MS);
			return [`Job ${job.id} succeeded: ${job.done.toLocaleString("en")} done`];
		},
	},
];
