import { type Job, jobs, rows } from "@roster/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { RECOMPUTE_CHUNK } from "../../src/access/recompute.ts";
import { RECOMPUTE_JOB, recomputeJobHandler } from "../../src/access/recompute-job.ts";
import { checkpointJob, claimJob, renewLease } from "../../src/jobs/queue.ts";
import { runJob } from "../../src/jobs/worker.ts";
import { latestAudit, provisionGroup, provisionUser, tierOf } from "../access/fixtures.ts";
import { seedUsers } from "../scim/groups.fixtures.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

const actor = { type: "admin", id: "admin-1", name: "ada@console" } as const;
/** Two full chunks and a partial one, so a job can be stopped between chunks. */
const MEMBERS = 2 * RECOMPUTE_CHUNK + 7;

async function tierCounts(groupId: string): Promise<Record<string, number>> {
	const found = await rows<{ tier: string; n: number }>(
		h.db.db,
		sql`select u.access_tier as tier, count(*)::int as n from group_members gm join users u on u.id = gm.user_id
			where gm.group_id = ${groupId}::uuid group by u.access_tier`,
	);
	return Object.fromEntries(found.map((row) => [row.tier, row.n]));
}

async function jobRow(id: string): Promise<Job> {
	const [job] = await h.db.db.select().from(jobs).where(eq(jobs.id, id));
	if (!job) throw new Error(`no job ${id}`);
	return job;
}

async function recomputedEvents(mappingId: string): Promise<number> {
	const [found] = await rows<{ n: number }>(
		h.db.db,
		sql`select count(*)::int as n from audit_events where action = 'ACCESS_RECOMPUTED' and entity_id = ${mappingId}`,
	);
	return found?.n ?? 0;
}

describe("a mapping change above the job threshold", () => {
	it("commits with its audit event and a job, which recomputes chunk by chunk and resumes after a crash", async () => {
		const groupId = await provisionGroup(h, "Everyone big");
		const ids = await seedUsers(h, "big", MEMBERS);
		await h.db.db.execute(
			sql`insert into group_members (group_id, user_id) select ${groupId}::uuid, unnest(${sql.raw(`array[${ids.map((id) => `'${id}'`).join(",")}]`)}::uuid[])`,
		);

		const saved = await createRoleMapping(
			h.db.db,
			{
				organization: h.organization,
				mapping: {
					matchKind: "group_display_name",
					matchValue: "everyone big",
					targetKind: "tier",
					tier: "USER",
				},
				actor,
			},
			{ jobThreshold: 1000 },
		);
		expect(saved.job).toEqual({ id: expect.any(String), total: MEMBERS });
		expect(saved).toMatchObject({ usersRecomputed: 0, usersChanged: 0 });
		const audit = await latestAudit(h, "ROLE_MAPPING_CREATED", saved.mapping.id);
		expect(audit?.metadata).toEqual({ recomputeJobId: saved.job?.id, usersToRecompute: MEMBERS });
		// Until the job reaches them, the stored decisions are the old ones.
		expect(await tierCounts(groupId)).toEqual({ NONE: MEMBERS });
		const queued = await jobRow(saved.job?.id as string);
		expect(queued).toMatchObject({
			kind: RECOMPUTE_JOB,
			status: "queued",
			orgId: h.organization.id,
			done: 0,
		});

		// A worker commits one chunk and dies.
		const dying = (await claimJob(h.db.db, "dying", [RECOMPUTE_JOB], 200)) as Job;
		await h.db.db.transaction(async (tx) => {
			const held = await renewLease(tx, dying, "dying", 200);
			await checkpointJob(tx, held, await recomputeJobHandler.step(tx, held));
		});
		expect(await tierCounts(groupId)).toEqual({ NONE: MEMBERS - RECOMPUTE_CHUNK, USER: RECOMPUTE_CHUNK });
		expect(await jobRow(dying.id)).toMatchObject({ status: "running", done: RECOMPUTE_CHUNK });

		const deadline = Date.now() + 10_000;
		let heir = await claimJob(h.db.db, "heir", [RECOMPUTE_JOB]);
		while (!heir && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			heir = await claimJob(h.db.db, "heir", [RECOMPUTE_JOB]);
		}
		expect(heir?.id).toBe(dying.id);
		expect(await runJob(h.db.db, heir as Job, recomputeJobHandler, { workerId: "heir" })).toBe("succeeded");

		expect(await tierCounts(groupId)).toEqual({ USER: MEMBERS });
		expect(await jobRow(dying.id)).toMatchObject({
			status: "succeeded",
			done: MEMBERS,
			total: MEMBERS,
			attempts: 2,
		});
		expect(await recomputedEvents(saved.mapping.id)).toBe(1);
		const closing = await latestAudit(h, "ACCESS_RECOMPUTED", saved.mapping.id);
		expect(closing?.metadata).toEqual({ usersRecomputed: MEMBERS, usersChanged: MEMBERS, jobId: dying.id });
	});

	it("stays in the request below the threshold", async () => {
		const member = await provisionUser(h, "small@example.com");
		await provisionGroup(h, "Small team", [member]);
		const saved = await createRoleMapping(
			h.db.db,
			{
				organization: h.organization,
				mapping: {
					matchKind: "group_display_name",
					matchValue: "small team",
					targetKind: "tier",
					tier: "ADMIN",
				},
				actor,
			},
			{ jobThreshold: 1000 },
		);
		expect(saved.job).toBeUndefined();
		expect(saved).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		expect(await tierOf(h, member)).toBe("ADMIN");
	});
});
