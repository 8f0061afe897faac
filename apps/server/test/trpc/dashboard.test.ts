import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ActivityRecorder, type RequestRecord } from "../../src/audit/activity-recorder.ts";
import { rebuildProvisioningActivity } from "../../src/audit/activity-rollup.ts";
import { bucketStarts } from "../../src/audit/activity-series.ts";
import { pruneProvisioningLog } from "../../src/audit/log-retention.ts";
import { createLogger } from "../../src/logger.ts";
import { configureOrganization } from "../../src/organizations/settings.ts";
import { PATCH_SCHEMA, USER_SCHEMA } from "../access/fixtures.ts";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
/** An organization of its own for the seeded-row tests, so SCIM traffic of the default one never mixes in. */
let seeded: ConsoleUser;
let connections: { a: string; b: string };

const logger = createLogger({ level: "silent" });
const HOUR = 3_600_000;

async function connectionId(orgId: string, name: string): Promise<string> {
	const [row] = await rows<{ id: string }>(
		h.db.db,
		sql`select id from scim_connections where org_id = ${orgId}::uuid and name = ${name}`,
	);
	if (!row) throw new Error(`no connection ${name}`);
	return row.id;
}

beforeAll(async () => {
	h = await createConsoleHarness();
	seeded = await h.adminOf("seeded");
	await h.issueToken("seeded", "conn-a");
	await h.issueToken("seeded", "conn-b");
	connections = {
		a: await connectionId(seeded.organization.id, "conn-a"),
		b: await connectionId(seeded.organization.id, "conn-b"),
	};
});
afterAll(async () => {
	await h.close();
});

function record(connection: string, agoMs: number, shape: Partial<RequestRecord> = {}): RequestRecord {
	return {
		orgId: seeded.organization.id,
		connectionId: connection,
		occurredAt: new Date(Date.now() - agoMs),
		method: "GET",
		path: "/scim/v2/Users",
		status: 200,
		durationMs: 3,
		scimType: null,
		requestId: null,
		quirks: [],
		requestBodyJson: "null",
		responseBodyJson: "null",
		...shape,
	};
}

/** Writes `records` through a real recorder, the way SCIM requests are logged. */
async function logThroughRecorder(records: readonly RequestRecord[]): Promise<void> {
	const recorder = new ActivityRecorder({ db: h.db.db, logger, flushIntervalMs: 3_600_000 });
	for (const row of records) recorder.log(row);
	await recorder.close();
}

/**
 * Writes every logged request: a flush already running (the recorder's timer) is shared and covers only
 * the rows it started with, so a second one writes the rest.
 */
async function flushLog(): Promise<void> {
	await h.runtime.activity.flush();
	await h.runtime.activity.flush();
}

interface DirectCount {
	connection_id: string;
	requests: number;
	errors: number;
	creates: number;
}

/** The same window counted straight from the log, independently of the rollup. */
async function directCount(orgId: string, since: string): Promise<DirectCount[]> {
	return rows<DirectCount>(
		h.db.db,
		sql`select connection_id, count(*)::int as requests,
				(count(*) filter (where status >= 400))::int as errors,
				(count(*) filter (where method = 'POST' and status = 201))::int as creates
			from provisioning_log where org_id = ${orgId}::uuid and occurred_at >= ${since}::timestamptz
			group by connection_id order by connection_id`,
	);
}

async function seriesCounts(range: "24h" | "7d" | "30d") {
	const series = await seeded.client.dashboard.activity.query({ range });
	return series.connections
		.map((c) => ({
			connection_id: c.connectionId,
			requests: c.totals.requests,
			errors: c.totals.errors,
			creates: c.totals.creates,
		}))
		.sort((x, y) => x.connection_id.localeCompare(y.connection_id));
}

describe("dashboard.activity over SCIM traffic", () => {
	it("counts real SCIM requests, errors, creates and deprovisions of the default organization", async () => {
		const before = await h.admin.client.dashboard.activity.query({ range: "24h" });
		const create = (userName: string) =>
			h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName, active: true });
		const kept = await create("dash.kept@example.com");
		const patched = await create("dash.patched@example.com");
		const put = await create("dash.put@example.com");
		const deleted = await create("dash.deleted@example.com");
		expect((await create("dash.kept@example.com")).status).toBe(409);
		expect((await h.scim("GET", "/Users")).status).toBe(200);
		const patch = await h.scim("PATCH", `/Users/${patched.body?.id}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect(patch.status).toBeLessThan(300);
		const replaced = await h.scim("PUT", `/Users/${put.body?.id}`, {
			schemas: [USER_SCHEMA],
			userName: "dash.put@example.com",
			active: false,
		});
		expect(replaced.status).toBe(200);
		const renamed = await h.scim("PATCH", `/Users/${kept.body?.id}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "replace", value: { displayName: "Still here" } }],
		});
		expect(renamed.status).toBeLessThan(300);
		expect((await h.scim("DELETE", `/Users/${deleted.body?.id}`)).status).toBe(204);
		await flushLog();

		const after = await h.admin.client.dashboard.activity.query({ range: "24h" });
		const primary = after.connections.find((c) => c.name === "primary");
		const primaryBefore = before.connections.find((c) => c.name === "primary")?.totals ?? {
			requests: 0,
			errors: 0,
			creates: 0,
			deprovisions: 0,
		};
		expect(primary?.totals).toEqual({
			requests: primaryBefore.requests + 10,
			errors: primaryBefore.errors + 1,
			creates: primaryBefore.creates + 4,
			deprovisions: primaryBefore.deprovisions + 3,
		});
		expect(after.totals.requests).toBe(before.totals.requests + 10);
		const [direct] = await directCount(h.organization.id, after.from);
		expect(after.totals.requests).toBe(direct?.requests);
		expect(after.totals.errors).toBe(direct?.errors);
		expect(after.totals.creates).toBe(direct?.creates);
		expect(primary?.points.at(-1)?.requests).toBeGreaterThanOrEqual(10);
	});

	it("lists the deprovisioned users as recent leavers with their latency, and their p50/p99", async () => {
		const leavers = await h.admin.client.dashboard.recentLeavers.query({ limit: 10 });
		expect(leavers.map((l) => l.userName)).toEqual([
			"dash.deleted@example.com",
			"dash.put@example.com",
			"dash.patched@example.com",
		]);
		expect(leavers.map((l) => l.action)).toEqual([
			"SCIM_USER_DELETED",
			"SCIM_USER_DEPROVISIONED",
			"SCIM_USER_DEPROVISIONED",
		]);
		for (const leaver of leavers) {
			expect(leaver.secondsToAccessEnd).toBeGreaterThanOrEqual(0);
			expect(Date.parse(leaver.accessEndedAt)).toBeGreaterThanOrEqual(Date.parse(leaver.requestedAt ?? ""));
		}
		await expect(h.admin.client.dashboard.recentLeavers.query({ limit: 1 })).resolves.toHaveLength(1);
		const latency = await h.admin.client.dashboard.deprovisionLatency.query({ range: "24h" });
		expect(latency.count).toBe(3);
		expect(latency.p50Seconds).toBeGreaterThanOrEqual(0);
		expect(latency.p99Seconds).toBeGreaterThanOrEqual(latency.p50Seconds ?? 0);
	});
});

describe("dashboard.activity over seeded rows", () => {
	beforeEach(async () => {
		await h.db.db.execute(sql`delete from provisioning_log where org_id = ${seeded.organization.id}::uuid`);
		await h.db.db.execute(
			sql`delete from provisioning_activity where org_id = ${seeded.organization.id}::uuid`,
		);
	});

	it("equals a direct count of the log across many batches, in every window", async () => {
		const shapes: Partial<RequestRecord>[] = [
			{},
			{ status: 500 },
			{ method: "POST", status: 201 },
			{ method: "POST", path: "/scim/v2/Groups", status: 201 },
			{ method: "POST", status: 409 },
		];
		const records = Array.from({ length: 1300 }, (_, i) =>
			record(i % 3 === 0 ? connections.b : connections.a, (i % 40) * 19 * HOUR + 60_000, shapes[i % 5]),
		);
		await logThroughRecorder(records);
		for (const range of ["24h", "7d", "30d"] as const) {
			const series = await seeded.client.dashboard.activity.query({ range });
			expect(await seriesCounts(range)).toEqual(await directCount(seeded.organization.id, series.from));
			expect(
				series.connections.every((c) => c.points.length === bucketStarts(range, new Date()).length),
			).toBe(true);
		}
	});

	it("draws hourly buckets over 7 days and daily ones over 30, with zeros where nothing happened", async () => {
		await logThroughRecorder([
			record(connections.a, 2 * HOUR),
			record(connections.a, 2 * HOUR),
			record(connections.a, 10 * 24 * HOUR),
		]);
		const week = await seeded.client.dashboard.activity.query({ range: "7d" });
		expect(week.bucket).toBe("hour");
		const [weekly] = week.connections;
		expect(weekly?.points).toHaveLength(168);
		expect(weekly?.points.filter((p) => p.requests > 0).map((p) => p.requests)).toEqual([2]);
		const month = await seeded.client.dashboard.activity.query({ range: "30d" });
		expect(month.bucket).toBe("day");
		expect(month.connections[0]?.points).toHaveLength(30);
		expect(month.totals.requests).toBe(3);
		expect(month.connections[0]?.points.every((p) => p.at.endsWith("T00:00:00.000Z"))).toBe(true);
	});

	it("stays right when several writers add to the same buckets at once", async () => {
		const batch = (n: number) =>
			Array.from({ length: n }, (_, i) =>
				record(i % 2 ? connections.a : connections.b, 30_000, i % 4 ? {} : { status: 503 }),
			);
		await Promise.all([
			logThroughRecorder(batch(700)),
			logThroughRecorder(batch(650)),
			logThroughRecorder(batch(40)),
		]);
		const series = await seeded.client.dashboard.activity.query({ range: "24h" });
		expect(series.totals.requests).toBe(1390);
		expect(await seriesCounts("24h")).toEqual(await directCount(seeded.organization.id, series.from));
	});

	it("counts a deactivating PATCH (path or value form), PUT and DELETE as deprovisions, and nothing else", async () => {
		const userPath = "/scim/v2/Users/7d1e0c1e-0000-4000-8000-000000000001";
		const op = (operation: object) => JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [operation] });
		await logThroughRecorder([
			record(connections.a, 60_000, {
				method: "PATCH",
				path: userPath,
				status: 200,
				requestBodyJson: op({ op: "replace", path: "active", value: false }),
			}),
			record(connections.a, 60_000, {
				method: "PATCH",
				path: userPath,
				status: 204,
				requestBodyJson: op({ op: "Replace", path: "active", value: "False" }),
			}),
			record(connections.a, 60_000, {
				method: "PATCH",
				path: userPath,
				status: 200,
				requestBodyJson: op({ op: "replace", value: { active: false } }),
			}),
			record(connections.a, 60_000, {
				method: "PUT",
				path: userPath,
				status: 200,
				requestBodyJson: JSON.stringify({ userName: "x", active: false }),
			}),
			record(connections.a, 60_000, { method: "DELETE", path: userPath, status: 204 }),
			record(connections.a, 60_000, {
				method: "PATCH",
				path: userPath,
				status: 200,
				requestBodyJson: op({ op: "replace", path: "active", value: true }),
			}),
			record(connections.a, 60_000, {
				method: "PATCH",
				path: userPath,
				status: 400,
				requestBodyJson: op({ op: "replace", path: "active", value: false }),
			}),
			record(connections.a, 60_000, { method: "DELETE", path: userPath, status: 404 }),
			record(connections.a, 60_000, { method: "DELETE", path: "/scim/v2/Groups/g1", status: 204 }),
			record(connections.a, 60_000, {
				method: "PUT",
				path: userPath,
				status: 200,
				requestBodyJson: JSON.stringify({ userName: "x", active: true }),
			}),
		]);
		const series = await seeded.client.dashboard.activity.query({ range: "24h" });
		expect(series.totals).toEqual({ requests: 10, errors: 2, creates: 0, deprovisions: 5 });
	});

	it("pruning to retention subtracts exactly what it deleted and drops the emptied buckets", async () => {
		await logThroughRecorder([
			...Array.from({ length: 7 }, () => record(connections.a, 3 * 24 * HOUR, { status: 500 })),
			...Array.from({ length: 4 }, () => record(connections.b, 5 * HOUR, { method: "POST", status: 201 })),
			...Array.from({ length: 2 }, () => record(connections.a, HOUR)),
		]);
		await configureOrganization(h.db.db, {
			organization: seeded.organization,
			change: { provisioningLogRetentionDays: 1 },
			actor: "test",
		});
		const result = await pruneProvisioningLog(h.db.db, { batchRows: 3 });
		expect(result.deleted).toBeGreaterThanOrEqual(7);
		const series = await seeded.client.dashboard.activity.query({ range: "7d" });
		expect(series.totals).toEqual({ requests: 6, errors: 0, creates: 4, deprovisions: 0 });
		expect(await seriesCounts("7d")).toEqual(await directCount(seeded.organization.id, series.from));
		const [old] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from provisioning_activity
				where org_id = ${seeded.organization.id}::uuid and bucket_start < now() - interval '2 days'`,
		);
		expect(old?.n).toBe(0);
		await configureOrganization(h.db.db, {
			organization: seeded.organization,
			change: { provisioningLogRetentionDays: 30 },
			actor: "test",
		});
	});

	it("a rebuild from the log gives the buckets the writer kept", async () => {
		await logThroughRecorder(
			Array.from({ length: 30 }, (_, i) => record(connections.a, i * 5 * HOUR, i % 2 ? {} : { status: 404 })),
		);
		const kept = await seeded.client.dashboard.activity.query({ range: "7d" });
		await rebuildProvisioningActivity(h.db.db);
		const rebuilt = await seeded.client.dashboard.activity.query({ range: "7d" });
		expect(rebuilt.connections).toEqual(kept.connections);
		expect(rebuilt.totals.requests).toBeGreaterThan(0);
	});
});

describe("dashboard tenant isolation and input", () => {
	it("an administrator sees only their own organization's activity and leavers", async () => {
		const stranger = await h.adminOf("dashboard-stranger");
		const series = await stranger.client.dashboard.activity.query({ range: "30d" });
		expect(series.connections).toEqual([]);
		expect(series.totals).toEqual({ requests: 0, errors: 0, creates: 0, deprovisions: 0 });
		await expect(stranger.client.dashboard.recentLeavers.query({ limit: 50 })).resolves.toEqual([]);
		await expect(stranger.client.dashboard.deprovisionLatency.query({ range: "30d" })).resolves.toEqual({
			count: 0,
			p50Seconds: null,
			p99Seconds: null,
		});
		const mine = await h.admin.client.dashboard.activity.query({ range: "30d" });
		expect(mine.connections.map((c) => c.name)).toEqual(["primary"]);
	});

	it.each([
		["activity", { range: "1y" }, "range"],
		["deprovisionLatency", { range: "forever" }, "range"],
		["recentLeavers", { limit: 0 }, "limit"],
		["recentLeavers", { limit: 51 }, "limit"],
	] as const)("%s refuses %j with a field error on %s", async (procedure, input, field) => {
		const refused = await (h.admin.client.dashboard[procedure].query as (i: unknown) => Promise<unknown>)(
			input,
		).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(refused).toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { [field]: [expect.any(String)] } },
		});
	});

	it("refuses signed-out callers and members who are not administrators", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.dashboard.activity.query({ range: "24h" })).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
		await expect(h.trpcFor().dashboard.recentLeavers.query({ limit: 5 })).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
	});
});
