import { type Job, jobs, rows } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { RECOMPUTE_CHUNK } from "../../src/access/recompute.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { IMPORT_CHUNK_ROWS } from "../../src/imports/job.ts";
import { startUserImport } from "../../src/imports/start.ts";
import { claimJob, enqueueJob } from "../../src/jobs/queue.ts";
import { type JobHandler, runJob } from "../../src/jobs/worker.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import {
	killServers,
	linesOf,
	openSharedDatabase,
	runCli,
	type SharedDatabase,
	spawnServer,
	TEST_SECRET,
} from "../helpers.ts";
import { usersCsv } from "../imports/fixtures.ts";

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;
/** Four chunks, so the server can be killed with work both done and left. */
const MEMBERS = 3 * RECOMPUTE_CHUNK + 11;
/** Thirteen chunks of an import, for the same reason. */
const ROWS = 12 * IMPORT_CHUNK_ROWS + 7;

/** Polls `read` until `done` holds for its value, failing after `timeoutMs`. */
async function until<T>(
	read: () => Promise<T>,
	done: (value: T) => boolean,
	timeoutMs = 120_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline)
			throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** A server that polls for jobs often and gives a dead worker's lease up after 2 s. */
function serverEnv(target: SharedDatabase): Record<string, string> {
	return {
		DATABASE_URL: target.url,
		ROSTER_SECRET: TEST_SECRET,
		AUDIT_SEAL_INTERVAL_MS: "0",
		JOB_POLL_INTERVAL_MS: "20",
		JOB_LEASE_MS: "2000",
	};
}

describe("a worker that stops mid-job (a graceful shutdown)", () => {
	it("gives the job back after its current chunk, uncounted, and the next worker resumes it", async () => {
		const handle = await createTestDatabase();
		try {
			const counting: JobHandler = {
				kind: "count-to-5",
				async step(_tx, job) {
					const done = job.done + 1;
					return { checkpoint: { done }, done, total: 5, finished: done === 5 };
				},
			};
			const queued = (await enqueueJob(handle.db, { kind: "count-to-5" })) as Job;
			const first = (await claimJob(handle.db, "stopping", ["count-to-5"])) as Job;
			let chunks = 0;
			const outcome = await runJob(handle.db, first, counting, {
				workerId: "stopping",
				isStopped: () => chunks >= 2,
				onStep: () => {
					chunks += 1;
				},
			});
			expect(outcome).toBe("released");
			const given = (await handle.db.select().from(jobs).where(eq(jobs.id, queued.id)))[0];
			expect(given).toMatchObject({ status: "queued", done: 2, attempts: 0, lockedBy: null });
			const next = (await claimJob(handle.db, "next", ["count-to-5"])) as Job;
			expect(await runJob(handle.db, next, counting, { workerId: "next" })).toBe("succeeded");
			const finished = (await handle.db.select().from(jobs).where(eq(jobs.id, queued.id)))[0];
			expect(finished).toMatchObject({ status: "succeeded", done: 5, attempts: 1 });
		} finally {
			await handle.close();
		}
	});
});

// Two server processes take turns on one database: PostgreSQL only (a PGlite directory has one opener);
// the same resume logic runs in process on PGlite in recompute-job.test.ts and queue.test.ts.
if (onPostgres)
	describe("a recompute job survives kill -9 of its server", () => {
		let target: SharedDatabase;
		let jobId: string;
		let mappingId: string;
		let groupId: string;
		const env = () => serverEnv(target);
		const job = () =>
			target.use(async (db) => (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0] as Job);

		beforeAll(async () => {
			target = await openSharedDatabase("roster-jobs-kill-");
			await target.use(async (db) => {
				const organization = await requireOrganization(db, "default");
				const [group] = await rows<{ id: string }>(
					db,
					sql`insert into groups (org_id, display_name) values (${organization.id}::uuid, 'Everyone') returning id`,
				);
				groupId = group?.id as string;
				await db.execute(sql`with created as (
						insert into users (org_id, user_name)
						select ${organization.id}::uuid, 'kill-' || n from generate_series(1, ${MEMBERS}::int) as n returning id)
					insert into group_members (group_id, user_id) select ${groupId}::uuid, id from created`);
				const saved = await createRoleMapping(
					db,
					{
						organization,
						mapping: {
							matchKind: "group_display_name",
							matchValue: "everyone",
							targetKind: "tier",
							tier: "USER",
						},
						actor: { type: "admin", name: "ada@console" },
					},
					{ jobThreshold: 1000 },
				);
				jobId = saved.job?.id as string;
				mappingId = saved.mapping.id;
			});
		});
		afterEach(() => killServers());
		afterAll(async () => {
			killServers();
			await target?.close();
		});

		it("finishes after a restart, every user recomputed and the job audited once", async () => {
			expect(jobId).toBeDefined();
			const first = spawnServer(env());
			await first.waitFor(/Roster is listening/);
			const started = await until(job, (found) => found.done >= RECOMPUTE_CHUNK);
			expect(started.status).toBe("running");
			first.child.kill("SIGKILL");
			await first.exited;
			const orphaned = await job();
			expect(orphaned.status).toBe("running");
			expect(orphaned.done).toBeLessThan(MEMBERS);
			expect(orphaned.done % RECOMPUTE_CHUNK).toBe(0);

			const second = spawnServer(env());
			await second.waitFor(/Roster is listening/);
			const finished = await until(job, (found) => found.status === "succeeded" || found.status === "failed");
			expect(finished).toMatchObject({
				status: "succeeded",
				done: MEMBERS,
				total: MEMBERS,
				attempts: 2,
				error: null,
			});
			const [counts] = await target.use((db) =>
				rows<{ members: number; user_tier: number; events: number }>(
					db,
					sql`select
						(select count(*)::int from group_members where group_id = ${groupId}::uuid) as members,
						(select count(*)::int from group_members gm join users u on u.id = gm.user_id
							where gm.group_id = ${groupId}::uuid and u.access_tier = 'USER') as user_tier,
						(select count(*)::int from audit_events where action = 'ACCESS_RECOMPUTED' and entity_id = ${mappingId}) as events`,
				),
			);
			expect(counts).toEqual({ members: MEMBERS, user_tier: MEMBERS, events: 1 });
			second.child.kill("SIGKILL");
			await second.exited;

			const listed = await runCli(["jobs", "list", "--org", "default", "--database-url", target.url]);
			expect(listed.code, listed.stderr).toBe(0);
			expect(listed.stdout).toContain(
				`${jobId}\taccess.recompute\tsucceeded\t[${"#".repeat(30)}] 100% ${MEMBERS.toLocaleString("en")}/${MEMBERS.toLocaleString("en")}`,
			);
			const watched = await runCli([
				"jobs",
				"watch",
				"--org",
				"default",
				"--id",
				jobId,
				"--database-url",
				target.url,
			]);
			expect(watched.code, watched.stderr).toBe(0);
			expect(linesOf(watched.stdout).at(-1)).toBe(
				`Job ${jobId} succeeded: ${MEMBERS.toLocaleString("en")} done`,
			);
		});
	});

if (onPostgres)
	describe("a user import survives kill -9 of its server", () => {
		let target: SharedDatabase;
		let jobId: string;
		const env = () => serverEnv(target);
		const job = () =>
			target.use(async (db) => (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0] as Job);

		beforeAll(async () => {
			target = await openSharedDatabase("roster-import-kill-");
			await target.use(async (db) => {
				const organization = await requireOrganization(db, "default");
				await createScimToken(db, {
					organization,
					connectionName: "okta",
					createdBy: "test",
					secret: TEST_SECRET,
				});
				const started = await startUserImport(db, {
					organization,
					actor: { type: "admin", name: "ada@console" },
					connection: { connectionName: "okta" },
					content: usersCsv("killed", ROWS),
				});
				jobId = started.jobId;
			});
		});
		afterEach(() => killServers());
		afterAll(async () => {
			killServers();
			await target?.close();
		});

		it("finishes after a restart: every row applied once, each user created once and audited once", async () => {
			const first = spawnServer(env());
			await first.waitFor(/Roster is listening/);
			await until(job, (found) => found.done >= 2 * IMPORT_CHUNK_ROWS);
			first.child.kill("SIGKILL");
			await first.exited;
			const orphaned = await job();
			expect(orphaned.status).toBe("running");
			expect(orphaned.done).toBeLessThan(ROWS);
			expect(orphaned.done % IMPORT_CHUNK_ROWS).toBe(0);

			const second = spawnServer(env());
			await second.waitFor(/Roster is listening/);
			const finished = await until(job, (found) => found.status === "succeeded" || found.status === "failed");
			expect(finished).toMatchObject({
				status: "succeeded",
				done: ROWS,
				total: ROWS,
				attempts: 2,
				error: null,
			});
			const [counts] = await target.use((db) =>
				rows<{
					users: number;
					distinct_names: number;
					provisioned: number;
					created: number;
					pending: number;
				}>(
					db,
					sql`select
						(select count(*)::int from users where user_name like 'killed-%') as users,
						(select count(distinct lower(user_name))::int from users where user_name like 'killed-%') as distinct_names,
						(select count(*)::int from audit_events
							where action = 'SCIM_USER_PROVISIONED' and entity_name like 'killed-%') as provisioned,
						(select count(*)::int from user_import_rows where job_id = ${jobId}::uuid and outcome = 'created') as created,
						(select count(*)::int from user_import_rows where job_id = ${jobId}::uuid and outcome is null) as pending`,
				),
			);
			expect(counts).toEqual({
				users: ROWS,
				distinct_names: ROWS,
				provisioned: ROWS,
				created: ROWS,
				pending: 0,
			});
		});
	});
