import { type Job, rows, userImportRows } from "@roster/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPORT_CHUNK_ROWS, USER_IMPORT_JOB, userImportJob } from "../../src/imports/job.ts";
import { checkpointJob, claimJob, renewLease } from "../../src/jobs/queue.ts";
import { type JobHandler, runJob } from "../../src/jobs/worker.ts";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "../trpc/harness.ts";
import { auditCount, connectionId, eventually, jobRow, runImport, userCount, usersCsv } from "./fixtures.ts";

let h: ConsoleHarness;
let primary: string;

beforeAll(async () => {
	h = await createConsoleHarness();
	primary = await connectionId(h, h.organization.id, "primary");
});
afterAll(() => h.close());

function start(content: string, admin: ConsoleUser = h.admin, connection = primary) {
	return admin.client.imports.start.mutate({ connectionId: connection, content });
}

/** Expects a tRPC refusal with `code` (and `message` when given). */
async function refused(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
	await expect(promise).rejects.toMatchObject({ data: { code }, ...(message !== undefined && { message }) });
}

const ROWS = IMPORT_CHUNK_ROWS + 20;

describe("user import jobs", () => {
	it("imports every row through a claimed job, as the connection's users, each audited once", async () => {
		const started = await start(usersCsv("bulk", ROWS));
		expect(started.rows).toBe(ROWS);
		const queued = await h.admin.client.imports.get.query({ id: started.jobId });
		expect(queued).toMatchObject({
			connectionName: "primary",
			job: { status: "queued", total: ROWS, done: 0 },
			counts: { pending: ROWS, created: 0 },
		});
		expect(await runImport(h, started.jobId)).toBe("succeeded");
		const finished = await h.admin.client.imports.get.query({ id: started.jobId });
		expect(finished).toMatchObject({
			job: { status: "succeeded", total: ROWS, done: ROWS },
			counts: { created: ROWS, updated: 0, unchanged: 0, error: 0, pending: 0 },
		});
		expect(await userCount(h, "bulk")).toBe(ROWS);
		expect(await auditCount(h, "SCIM_USER_PROVISIONED", "bulk")).toBe(ROWS);
		const [owned] = await rows<{ count: number }>(
			h.db.db,
			sql`select count(*)::int as count from users where user_name like 'bulk-%' and connection_id = ${primary}::uuid`,
		);
		expect(owned?.count).toBe(ROWS);
		// The connection's IdP sees them as its own, exactly as if it had pushed them.
		const listed = await h.scim("GET", '/Users?filter=userName eq "bulk-7@example.com"');
		expect(listed.body).toMatchObject({ totalResults: 1, Resources: [{ name: { givenName: "Given 7" } }] });
		const [started_] = await rows<{ actor_name: string; metadata: unknown }>(
			h.db.db,
			sql`select actor_name, metadata from audit_events where action = 'USER_IMPORT_STARTED' and entity_id = ${primary}`,
		);
		expect(started_?.actor_name).toBe(h.admin.email);
	});

	it("updates the connection's users, leaves unchanged ones, and reports other owners' and local users per row", async () => {
		const other = await h.issueToken("default", "other-idp");
		const theirs = await h.clientFor(other)("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "mixed-theirs@example.com",
		});
		expect(theirs.status).toBe(201);
		const first = await start(usersCsv("mixed", 3));
		expect(await runImport(h, first.jobId)).toBe("succeeded");
		const csv =
			"userName,givenName,familyName\n" +
			"mixed-0@example.com,Given 0,Family\n" +
			"MIXED-1@example.com,Changed,Family\n" +
			"mixed-theirs@example.com,Taken,Family\n" +
			`${h.admin.email},Local,Admin\n` +
			"mixed-new@example.com,New,Family\n";
		const second = await start(csv);
		expect(await runImport(h, second.jobId)).toBe("succeeded");
		const result = await h.admin.client.imports.get.query({ id: second.jobId });
		expect(result.counts).toEqual({ created: 1, updated: 1, unchanged: 1, error: 2, pending: 0 });
		const page = await h.admin.client.imports.rows.query({ id: second.jobId });
		expect(page.map((row) => [row.rowNumber, row.outcome])).toEqual([
			[1, "unchanged"],
			[2, "updated"],
			[3, "error"],
			[4, "error"],
			[5, "created"],
		]);
		expect(page[2]?.error).toContain("managed by another identity provider connection");
		expect(page[3]?.error).toContain("already exists");
		const errors = await h.admin.client.imports.rows.query({ id: second.jobId, errorsOnly: true });
		expect(errors.map((row) => row.rowNumber)).toEqual([3, 4]);
		expect(await auditCount(h, "SCIM_USER_UPDATED", "mixed")).toBe(1);
		// A patch replaces only the attributes the file names: the family name the IdP set stays.
		const changed = await h.scim("GET", `/Users/${page[1]?.userId}`);
		expect(changed.body).toMatchObject({ name: { givenName: "Changed", familyName: "Family" } });
		const untouched = await h.clientFor(other)("GET", `/Users/${theirs.body?.id}`);
		expect(untouched.body).not.toHaveProperty("name");
	});

	it("replays a chunk that failed after applying part of it without applying anything twice", async () => {
		const started = await start(usersCsv("replay", ROWS));
		let broken = false;
		const breaksInSecondChunk: JobHandler = {
			kind: USER_IMPORT_JOB,
			async step(tx, job) {
				const step = await userImportJob.step(tx, job);
				if (job.done === IMPORT_CHUNK_ROWS && !broken) {
					broken = true;
					throw new Error("the worker broke after applying a chunk");
				}
				return step;
			},
		};
		expect(await runImport(h, started.jobId, breaksInSecondChunk)).toBe("failed");
		expect(await jobRow(h, started.jobId)).toMatchObject({ status: "queued", done: IMPORT_CHUNK_ROWS });
		expect(await userCount(h, "replay")).toBe(IMPORT_CHUNK_ROWS);
		expect(await runImport(h, started.jobId, breaksInSecondChunk)).toBe("succeeded");
		expect(await jobRow(h, started.jobId)).toMatchObject({ status: "succeeded", attempts: 2, done: ROWS });
		expect(await userCount(h, "replay")).toBe(ROWS);
		expect(await auditCount(h, "SCIM_USER_PROVISIONED", "replay")).toBe(ROWS);
	});

	it("resumes after its worker vanished mid-job (lease passed) and fences the old worker out", async () => {
		const started = await start(usersCsv("resume", ROWS));
		const dying = (await claimJob(h.db.db, "dying", [USER_IMPORT_JOB], 300)) as Job;
		expect(dying.id).toBe(started.jobId);
		// One chunk commits, then the worker stops without a word, as after kill -9.
		await h.db.db.transaction(async (tx) => {
			const held = await renewLease(tx, dying, "dying", 300);
			await checkpointJob(tx, held, await userImportJob.step(tx, held));
		});
		const heir = await eventually(() => claimJob(h.db.db, "heir", [USER_IMPORT_JOB]));
		expect(heir).toMatchObject({ id: started.jobId, done: IMPORT_CHUNK_ROWS, attempts: 2 });
		expect(await runJob(h.db.db, dying, userImportJob, { workerId: "dying" })).toBe("lost");
		expect(await runJob(h.db.db, heir, userImportJob, { workerId: "heir" })).toBe("succeeded");
		expect(await userCount(h, "resume")).toBe(ROWS);
		expect(await auditCount(h, "SCIM_USER_PROVISIONED", "resume")).toBe(ROWS);
		const outcomes = await h.db.db
			.select({ outcome: userImportRows.outcome })
			.from(userImportRows)
			.where(eq(userImportRows.jobId, started.jobId));
		expect(outcomes.every((row) => row.outcome === "created")).toBe(true);
	});

	it("refuses a bad file with its row before any job exists", async () => {
		const [before] = await rows<{ count: number }>(h.db.db, sql`select count(*)::int as count from jobs`);
		await refused(
			start("userName,active\nok@example.com,true\nbad@example.com,perhaps\n"),
			"BAD_REQUEST",
			'Row 2, column active: "perhaps" is not true or false',
		);
		const [after] = await rows<{ count: number }>(h.db.db, sql`select count(*)::int as count from jobs`);
		expect(after?.count).toBe(before?.count);
	});
});

describe("user import authorization", () => {
	it("keeps organizations apart: another tenant's import and connection are unknown", async () => {
		const started = await start(usersCsv("tenant", 2));
		expect(await runImport(h, started.jobId)).toBe("succeeded");
		const stranger = await h.adminOf("import-other");
		await refused(stranger.client.imports.get.query({ id: started.jobId }), "NOT_FOUND");
		await refused(stranger.client.imports.rows.query({ id: started.jobId }), "NOT_FOUND");
		await refused(start(usersCsv("tenant-x", 1), stranger), "NOT_FOUND");
		expect(await userCount(h, "tenant-x")).toBe(0);
	});

	it("refuses users who are not administrators", async () => {
		const member = await h.memberOf("default");
		await refused(start(usersCsv("member", 1), member), "FORBIDDEN");
		await refused(member.client.imports.get.query({ id: primary }), "FORBIDDEN");
		expect(await userCount(h, "member")).toBe(0);
	});
});
