import { type DatabaseHandle, type Job, jobs, organizations, rows, type Transaction } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointJob, claimJob, enqueueJob, renewLease, retryDelaySeconds } from "../../src/jobs/queue.ts";
import { findJob, jobQueueDepth, listJobs } from "../../src/jobs/reads.ts";
import { type JobHandler, runJob } from "../../src/jobs/worker.ts";

let handle: DatabaseHandle;
let orgA: string;
let orgB: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	const created = await handle.db
		.insert(organizations)
		.values([
			{ slug: "jobs-a", name: "A" },
			{ slug: "jobs-b", name: "B" },
		])
		.returning();
	orgA = created[0]?.id as string;
	orgB = created[1]?.id as string;
	// The effect jobs in this file apply: one row per unit, keyed so a unit applied twice fails the chunk.
	await handle.db.execute(
		sql`create table job_effects (job_id uuid not null, unit int not null, primary key (job_id, unit))`,
	);
});
afterAll(() => handle.close());

const UNITS = 5;

/** Applies one unit per chunk; `failOn(unit, attempt)` makes a chunk throw after its effect (rolled back). */
function unitsHandler(kind: string, failOn: (unit: number, job: Job) => boolean = () => false): JobHandler {
	return {
		kind,
		async step(tx: Transaction, job: Job) {
			const unit = Number(job.checkpoint?.next ?? 0);
			await tx.execute(sql`insert into job_effects (job_id, unit) values (${job.id}::uuid, ${unit})`);
			if (failOn(unit, job)) throw new Error(`unit ${unit} broke`);
			return { checkpoint: { next: unit + 1 }, done: unit + 1, total: UNITS, finished: unit + 1 === UNITS };
		},
	};
}

async function effectsOf(jobId: string): Promise<number[]> {
	const found = await rows<{ unit: number }>(
		handle.db,
		sql`select unit from job_effects where job_id = ${jobId}::uuid order by unit`,
	);
	return found.map((row) => row.unit);
}

async function jobRow(id: string): Promise<Job> {
	const [job] = await handle.db.select().from(jobs).where(eq(jobs.id, id));
	if (!job) throw new Error(`no job ${id}`);
	return job;
}

/** Polls `claim` until it returns a job (a lease runs out in real time), failing after 10 s. */
async function eventually<T>(claim: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const found = await claim();
		if (found !== undefined) return found;
		if (Date.now() > deadline) throw new Error("nothing claimable in 10 s");
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe("durable jobs", () => {
	it("runs a job chunk by chunk to the end, each unit once, with its progress stored", async () => {
		const job = await enqueueJob(handle.db, { kind: "units-1", orgId: orgA, total: UNITS });
		expect(job?.status).toBe("queued");
		const claimed = await claimJob(handle.db, "w1", ["units-1"]);
		expect(claimed?.id).toBe(job?.id);
		expect(await claimJob(handle.db, "w2", ["units-1"])).toBeUndefined();
		expect(await runJob(handle.db, claimed as Job, unitsHandler("units-1"), { workerId: "w1" })).toBe(
			"succeeded",
		);
		const done = await jobRow(job?.id as string);
		expect(done).toMatchObject({
			status: "succeeded",
			done: UNITS,
			total: UNITS,
			attempts: 1,
			lockedBy: null,
		});
		expect(done.finishedAt).toBeInstanceOf(Date);
		expect(await effectsOf(done.id)).toEqual([0, 1, 2, 3, 4]);
	});

	it("rests after every chunk but the last, as long as the chunk took, and only then starts the next", async () => {
		const job = await enqueueJob(handle.db, { kind: "units-rest", orgId: orgA, total: UNITS });
		const claimed = await claimJob(handle.db, "w1", ["units-rest"]);
		const events: string[] = [];
		const rests: number[] = [];
		const units = unitsHandler("units-rest");
		const noting: JobHandler = {
			kind: units.kind,
			async step(tx, held) {
				const step = await units.step(tx, held);
				// A chunk that takes measurable time, so its rest is as measurable.
				await new Promise((resolve) => setTimeout(resolve, 20));
				events.push("chunk");
				return step;
			},
		};
		const rest = async (ms: number) => {
			rests.push(ms);
			events.push("rest");
		};
		expect(await runJob(handle.db, claimed as Job, noting, { workerId: "w1", rest })).toBe("succeeded");
		expect(events).toEqual([...Array.from({ length: UNITS - 1 }, () => ["chunk", "rest"]).flat(), "chunk"]);
		for (const ms of rests) expect(ms).toBeGreaterThanOrEqual(19);
		expect(await effectsOf(job?.id as string)).toEqual([0, 1, 2, 3, 4]);
	});

	it("keeps one queued or running job per singleton key", async () => {
		const first = await enqueueJob(handle.db, { kind: "single", singletonKey: "retention" });
		expect(first).toBeDefined();
		expect(await enqueueJob(handle.db, { kind: "single", singletonKey: "retention" })).toBeUndefined();
		await handle.db
			.update(jobs)
			.set({ status: "succeeded" })
			.where(eq(jobs.id, first?.id as string));
		expect(await enqueueJob(handle.db, { kind: "single", singletonKey: "retention" })).toBeDefined();
	});

	it("never gives one job to two workers claiming at once", async () => {
		for (let i = 0; i < 6; i += 1) await enqueueJob(handle.db, { kind: "race", orgId: orgA });
		const claims = await Promise.all(
			Array.from({ length: 8 }, (_, i) => claimJob(handle.db, `racer-${i}`, ["race"])),
		);
		const ids = claims.filter((job) => job !== undefined).map((job) => job.id);
		expect(ids).toHaveLength(6);
		expect(new Set(ids).size).toBe(6);
	});

	it("resumes a job whose worker died mid-job after its lease, applying no unit twice", async () => {
		const job = (await enqueueJob(handle.db, { kind: "units-2", orgId: orgA })) as Job;
		const dying = (await claimJob(handle.db, "dying", ["units-2"], 200)) as Job;
		const handler = unitsHandler("units-2");
		// Two chunks commit, then the worker vanishes without a word (as after kill -9).
		for (let i = 0; i < 2; i += 1) {
			await handle.db.transaction(async (tx) => {
				const held = await renewLease(tx, dying, "dying", 200);
				await checkpointJob(tx, held, await handler.step(tx, held));
			});
		}
		expect(await claimJob(handle.db, "heir", ["units-2"])).toBeUndefined();
		const resumed = await eventually(() => claimJob(handle.db, "heir", ["units-2"]));
		expect(resumed).toMatchObject({ id: job.id, attempts: 2, done: 2, checkpoint: { next: 2 } });
		expect(await runJob(handle.db, resumed, handler, { workerId: "heir" })).toBe("succeeded");
		expect(await effectsOf(job.id)).toEqual([0, 1, 2, 3, 4]);
	});

	it("rolls back the chunk of a worker that lost its lease to another", async () => {
		const job = (await enqueueJob(handle.db, { kind: "units-3", orgId: orgA })) as Job;
		const slow = (await claimJob(handle.db, "slow", ["units-3"], 100)) as Job;
		const heir = await eventually(() => claimJob(handle.db, "heir", ["units-3"]));
		expect(await runJob(handle.db, slow, unitsHandler("units-3"), { workerId: "slow" })).toBe("lost");
		expect(await effectsOf(job.id)).toEqual([]);
		expect(await runJob(handle.db, heir, unitsHandler("units-3"), { workerId: "heir" })).toBe("succeeded");
		expect(await effectsOf(job.id)).toEqual([0, 1, 2, 3, 4]);
	});

	it("retries a failed chunk after a backoff from its checkpoint, and fails for good after the last attempt", async () => {
		const job = (await enqueueJob(handle.db, { kind: "units-4", orgId: orgA, maxAttempts: 2 })) as Job;
		const breaksOnce = unitsHandler("units-4", (unit, current) => unit === 3 && current.attempts === 1);
		const first = (await claimJob(handle.db, "w", ["units-4"])) as Job;
		expect(await runJob(handle.db, first, breaksOnce, { workerId: "w" })).toBe("failed");
		const waiting = await jobRow(job.id);
		expect(waiting).toMatchObject({ status: "queued", attempts: 1, done: 3, error: "Error: unit 3 broke" });
		expect(waiting.runAfter.getTime()).toBeGreaterThan(Date.now());
		expect(await claimJob(handle.db, "w", ["units-4"])).toBeUndefined();
		await handle.db
			.update(jobs)
			.set({ runAfter: new Date(0) })
			.where(eq(jobs.id, job.id));
		const second = (await claimJob(handle.db, "w", ["units-4"])) as Job;
		expect(await runJob(handle.db, second, breaksOnce, { workerId: "w" })).toBe("succeeded");
		expect(await effectsOf(job.id)).toEqual([0, 1, 2, 3, 4]);

		const doomed = (await enqueueJob(handle.db, { kind: "units-5", orgId: orgA, maxAttempts: 1 })) as Job;
		const claimed = (await claimJob(handle.db, "w", ["units-5"])) as Job;
		expect(
			await runJob(
				handle.db,
				claimed,
				unitsHandler("units-5", () => true),
				{ workerId: "w" },
			),
		).toBe("failed");
		expect(await jobRow(doomed.id)).toMatchObject({
			status: "failed",
			attempts: 1,
			error: "Error: unit 0 broke",
		});
		expect(await effectsOf(doomed.id)).toEqual([]);
	});

	it("backs off exponentially up to ten minutes", () => {
		expect([1, 2, 3, 10, 30].map(retryDelaySeconds)).toEqual([2, 4, 8, 600, 600]);
	});

	it("shows an organization only its own jobs, and counts the queue per kind", async () => {
		const own = (await enqueueJob(handle.db, { kind: "depth", orgId: orgB, total: 3 })) as Job;
		await enqueueJob(handle.db, { kind: "depth", orgId: orgB });
		const listed = await listJobs(handle.db, orgB);
		expect(listed.map((job) => job.id)).toContain(own.id);
		expect(listed.every((job) => job.kind === "depth")).toBe(true);
		expect(await findJob(handle.db, orgA, own.id)).toBeUndefined();
		expect(await findJob(handle.db, orgB, own.id)).toMatchObject({ id: own.id, total: 3 });
		expect(await findJob(handle.db, orgB, "not-a-uuid")).toBeUndefined();
		expect(await jobQueueDepth(handle.db)).toContainEqual({ kind: "depth", status: "queued", count: 2 });
	});
});
