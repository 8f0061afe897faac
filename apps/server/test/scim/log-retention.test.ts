import { type DatabaseHandle, type Job, jobs, type Organization, rows } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
	LOG_RETENTION_JOB,
	logRetentionJobHandler,
	pruneProvisioningLog,
	scheduleLogRetention,
	startLogRetention,
} from "../../src/audit/log-retention.ts";
import { ConfigError, parseConfig } from "../../src/env.ts";
import { claimJob } from "../../src/jobs/queue.ts";
import { runJob, startJobWorker } from "../../src/jobs/worker.ts";
import { createOrganization } from "../../src/organizations/organizations.ts";
import { configureOrganization } from "../../src/organizations/settings.ts";
import { capturedLogger, TEST_SECRET } from "../helpers.ts";

let db: DatabaseHandle;
let keepsMonth: Organization;
let keepsDay: Organization;
let keepsNone: Organization;

async function organizationKeeping(slug: string, days: number): Promise<Organization> {
	const organization = await createOrganization(db.db, { slug, name: slug });
	const { organization: configured } = await configureOrganization(db.db, {
		organization,
		change: { provisioningLogRetentionDays: days },
		actor: "test",
	});
	return configured;
}

beforeAll(async () => {
	db = await createTestDatabase();
	keepsMonth = await organizationKeeping("keeps-month", 30);
	keepsDay = await organizationKeeping("keeps-day", 1);
	keepsNone = await organizationKeeping("keeps-none", 0);
});

afterAll(async () => {
	await db.close();
});

beforeEach(async () => {
	await db.db.execute(sql`delete from provisioning_log`);
});

/** Logs `count` requests for `organization`, `ageHours` old, tagged so the test can tell them apart. */
async function logRows(organization: Organization, ageHours: number, count: number): Promise<void> {
	await db.db.execute(
		sql`insert into provisioning_log (org_id, occurred_at, method, path, status, duration_ms, request_id)
			select ${organization.id}::uuid, now() - make_interval(hours => ${ageHours}), 'GET', '/Users', 200, 1,
				${`${organization.slug}:${ageHours}h`}
			from generate_series(1, ${count})`,
	);
}

async function remaining(): Promise<Record<string, number>> {
	const found = await rows<{ tag: string; n: number }>(
		db.db,
		sql`select request_id as tag, count(*)::int as n from provisioning_log group by request_id order by request_id`,
	);
	return Object.fromEntries(found.map((row) => [row.tag, row.n]));
}

describe("provisioning log retention", () => {
	it("deletes rows past each organization's own retention and keeps the rest", async () => {
		await logRows(keepsMonth, 24 * 31, 3);
		await logRows(keepsMonth, 24 * 29, 2);
		await logRows(keepsDay, 25, 4);
		await logRows(keepsDay, 23, 1);
		await logRows(keepsNone, 1, 2);

		const result = await pruneProvisioningLog(db.db);

		expect(result.deleted).toBe(9);
		expect(await remaining()).toEqual({ "keeps-day:23h": 1, "keeps-month:696h": 2 });
	});

	it("deletes in bounded batches until nothing is left past retention", async () => {
		await logRows(keepsDay, 48, 7);
		await logRows(keepsNone, 48, 5);
		await logRows(keepsMonth, 1, 3);

		const result = await pruneProvisioningLog(db.db, { batchRows: 5 });

		expect(result).toEqual({ deleted: 12, batches: 3 });
		expect(await remaining()).toEqual({ "keeps-month:1h": 3 });
	});

	it("is safe to run from several replicas at once", async () => {
		await logRows(keepsDay, 48, 40);
		await logRows(keepsMonth, 1, 2);

		const runs = await Promise.all([1, 2, 3].map(() => pruneProvisioningLog(db.db, { batchRows: 4 })));
		const after = await pruneProvisioningLog(db.db, { batchRows: 4 });

		expect(runs.reduce((sum, run) => sum + run.deleted, after.deleted)).toBe(40);
		expect(await remaining()).toEqual({ "keeps-month:1h": 2 });
	});

	it("runs as a scheduled job once started, records failures and recovers from them", async () => {
		const { logger, lines } = capturedLogger();
		await logRows(keepsNone, 2, 3);
		await db.db.execute(sql`alter table provisioning_log rename to provisioning_log_away`);
		const retention = startLogRetention({ db: db.db, intervalMs: 5, logger });
		const worker = startJobWorker({ db: db.db, handlers: [logRetentionJobHandler], intervalMs: 5, logger });
		try {
			await vi.waitFor(() => expect(lines().join("\n")).toContain("background job attempt failed"), {
				timeout: 10_000,
			});
			await db.db.execute(sql`alter table provisioning_log_away rename to provisioning_log`);
			await vi.waitFor(async () => expect(await remaining()).toEqual({}), { timeout: 10_000 });
		} finally {
			await retention.stop();
			await worker.stop();
		}
		const [failed] = await db.db
			.select()
			.from(jobs)
			.where(and(eq(jobs.kind, LOG_RETENTION_JOB), eq(jobs.status, "failed")))
			.limit(1);
		expect(failed?.error).toContain("provisioning_log");
		const pruned = lines()
			.map((line) => JSON.parse(line) as { msg: string; kind?: string; outcome?: string; done?: number })
			.filter((line) => line.kind === LOG_RETENTION_JOB && line.outcome === "succeeded");
		expect(pruned.reduce((sum, line) => sum + (line.done ?? 0), 0)).toBe(3);
	});

	it("keeps one pruning job however often it is scheduled, and drops jobs finished a week ago", async () => {
		await db.db.delete(jobs);
		await Promise.all([1, 2, 3].map(() => scheduleLogRetention(db.db)));
		expect(await db.db.select().from(jobs)).toHaveLength(1);
		const [old] = await db.db
			.insert(jobs)
			.values({ kind: "old", status: "succeeded", finishedAt: new Date(Date.now() - 8 * 86_400_000) })
			.returning();
		const [recent] = await db.db
			.insert(jobs)
			.values({ kind: "recent", status: "succeeded", finishedAt: new Date(Date.now() - 86_400_000) })
			.returning();
		const claimed = await claimJob(db.db, "pruner", [LOG_RETENTION_JOB]);
		expect(await runJob(db.db, claimed as Job, logRetentionJobHandler, { workerId: "pruner" })).toBe(
			"succeeded",
		);
		const left = (await db.db.select({ id: jobs.id }).from(jobs)).map((job) => job.id);
		expect(left).toContain(recent?.id);
		expect(left).not.toContain(old?.id);
	});
});

describe("LOG_PRUNE_INTERVAL_MS", () => {
	it("defaults to five minutes, accepts 0 (off) and refuses anything but a whole number of milliseconds", () => {
		const base = { DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET };
		expect(parseConfig(base, "/").logPruneIntervalMs).toBe(300_000);
		expect(parseConfig({ ...base, LOG_PRUNE_INTERVAL_MS: "0" }, "/").logPruneIntervalMs).toBe(0);
		for (const bad of ["-1", "soon", "1.5", "86400001"]) {
			expect(() => parseConfig({ ...base, LOG_PRUNE_INTERVAL_MS: bad }, "/")).toThrow(ConfigError);
		}
	});
});
