import { type Job, jobs, rows, scimConnections } from "@roster/db";
import { and, eq, sql } from "drizzle-orm";
import { USER_IMPORT_JOB, userImportJob } from "../../src/imports/job.ts";
import { claimJob } from "../../src/jobs/queue.ts";
import { type JobHandler, runJob } from "../../src/jobs/worker.ts";
import type { ScimHarness } from "../scim/harness.ts";

/** A CSV of `count` users named `prefix-<n>@example.com`, with `extra` columns per row. */
export function usersCsv(prefix: string, count: number, givenName = "Given"): string {
	const lines = Array.from(
		{ length: count },
		(_, i) => `${prefix}-${i}@example.com,${givenName} ${i},Family`,
	);
	return `userName,givenName,familyName\n${lines.join("\n")}\n`;
}

export async function connectionId(h: ScimHarness, orgId: string, name: string): Promise<string> {
	const [found] = await h.db.db
		.select({ id: scimConnections.id })
		.from(scimConnections)
		.where(and(eq(scimConnections.orgId, orgId), eq(scimConnections.name, name)));
	if (!found) throw new Error(`no connection ${name}`);
	return found.id;
}

export async function jobRow(h: ScimHarness, id: string): Promise<Job> {
	const [job] = await h.db.db.select().from(jobs).where(eq(jobs.id, id));
	if (!job) throw new Error(`no job ${id}`);
	return job;
}

/** Polls `attempt` until it answers (a lease or a backoff runs out in real time), failing after 15 s. */
export async function eventually<T>(attempt: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const found = await attempt();
		if (found !== undefined) return found;
		if (Date.now() > deadline) throw new Error("nothing happened in 15 s");
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** Claims the import job `id` and runs it to its end with `handler` (the real one unless a test breaks it). */
export async function runImport(
	h: ScimHarness,
	id: string,
	handler: JobHandler = userImportJob,
	workerId = "test-worker",
) {
	const claimed = await eventually(() => claimJob(h.db.db, workerId, [USER_IMPORT_JOB]));
	if (claimed.id !== id) throw new Error(`claimed ${claimed.id}, expected ${id}`);
	return runJob(h.db.db, claimed, handler, { workerId });
}

/** How many audit events of `action` name a user whose userName starts with `prefix`. */
export async function auditCount(h: ScimHarness, action: string, prefix: string): Promise<number> {
	const [found] = await rows<{ count: number }>(
		h.db.db,
		sql`select count(*)::int as count from audit_events where action = ${action} and entity_name ilike ${`${prefix}-%`}`,
	);
	return found?.count ?? 0;
}

/** How many live users have a userName starting with `prefix`, and how many distinct ones. */
export async function userCount(h: ScimHarness, prefix: string): Promise<number> {
	const [found] = await rows<{ count: number }>(
		h.db.db,
		sql`select count(*)::int as count from users where user_name ilike ${`${prefix}-%`} and not is_deleted`,
	);
	return found?.count ?? 0;
}
