import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offboardingReportLines } from "../../src/audit/offboarding.ts";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { keyring, provision, tamper } from "../audit/fixtures.ts";
import { TEST_SECRET } from "../helpers.ts";
import type { ScimClient } from "../scim/harness.ts";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h?.close();
});

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** An organization of its own: an administrator, and an IdP connection `entra` with a SCIM client. */
async function tenant(slug: string): Promise<{ admin: ConsoleUser; scim: ScimClient; token: string }> {
	const token = await h.issueToken(slug, "entra", "entra");
	const admin = await h.adminOf(slug);
	return { admin, scim: h.clientFor(token), token };
}

async function connectionIdOf(admin: ConsoleUser, name: string): Promise<string> {
	const [row] = await rows<{ id: string }>(
		h.db.db,
		sql`select id::text as id from scim_connections where org_id = ${admin.organization.id} and name = ${name}`,
	);
	if (!row) throw new Error(`no connection ${name}`);
	return row.id;
}

async function deprovision(scim: ScimClient, id: string): Promise<void> {
	const reply = await scim("PATCH", `/Users/${id}`, {
		schemas: [PATCH],
		Operations: [{ op: "replace", path: "active", value: false }],
	});
	expect(reply.status).toBe(200);
}

describe(`audit.list (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("pages newest first with a keyset cursor, every event once", async () => {
		const { admin, scim } = await tenant("audit-paging");
		await provision(scim, ["a@paging.example", "b@paging.example", "c@paging.example", "d@paging.example"]);
		const all = await admin.client.audit.list.query({ limit: 200 });
		expect(all.rows.map((row) => row.action)).toEqual([
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_TOKEN_CREATED",
		]);
		expect(all.nextCursor).toBeNull();
		const seen: string[] = [];
		let cursor: string | undefined;
		do {
			const page = await admin.client.audit.list.query({ limit: 2, cursor });
			expect(page.rows.length).toBeLessThanOrEqual(2);
			seen.push(...page.rows.map((row) => row.id));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toEqual(all.rows.map((row) => row.id));
		expect(all.rows[0]).toMatchObject({
			actor: { type: "scim_connection", name: "entra" },
			entity: { type: "User", name: "d@paging.example" },
			metadata: { requestId: expect.any(String) },
		});
	});

	it("filters by action, actor, entity, connection and time", async () => {
		const { admin, scim } = await tenant("audit-filters");
		const [ada] = await provision(scim, ["ada@filters.example", "bob@filters.example"]);
		const other = h.clientFor(await h.issueToken("audit-filters", "okta", "okta"));
		await provision(other, ["cy@filters.example"]);
		await h.db.db.execute(
			sql`insert into audit_events (org_id, occurred_at, actor_type, actor_name, action)
				values (${admin.organization.id}, '2020-01-01T00:00:00Z', 'system', 'Importer', 'LEGACY_IMPORT')`,
		);
		const list = (filter: Parameters<typeof admin.client.audit.list.query>[0]) =>
			admin.client.audit.list
				.query(filter)
				.then((page) => page.rows.map((row) => row.entity.name ?? row.action));

		expect(await list({ actions: ["LEGACY_IMPORT"] })).toEqual(["LEGACY_IMPORT"]);
		expect(await list({ actions: ["SCIM_TOKEN_CREATED", "LEGACY_IMPORT"] })).toEqual([
			"LEGACY_IMPORT",
			"okta",
			"entra",
		]);
		const both = ["SCIM_TOKEN_CREATED", "LEGACY_IMPORT"];
		const first = await admin.client.audit.list.query({ actions: both, limit: 2 });
		const rest = await admin.client.audit.list.query({
			actions: both,
			limit: 2,
			cursor: first.nextCursor ?? "",
		});
		expect([first.rows, rest.rows].map((page) => page.map((row) => row.entity.name ?? row.action))).toEqual([
			["LEGACY_IMPORT", "okta"],
			["entra"],
		]);
		expect(rest.nextCursor).toBeNull();
		expect(await list({ actorType: "system", actorName: "IMPORT" })).toEqual(["LEGACY_IMPORT"]);
		expect(await list({ entityName: "FILTERS.example", actorName: "okt" })).toEqual(["cy@filters.example"]);
		expect(await list({ entityType: "User", entityId: ada })).toEqual(["ada@filters.example"]);
		expect(await list({ entityName: "%" })).toEqual([]);
		expect(await list({ connectionId: await connectionIdOf(admin, "entra") })).toEqual([
			"bob@filters.example",
			"ada@filters.example",
			"entra",
		]);
		expect(await list({ to: "2021-01-01T00:00:00Z" })).toEqual(["LEGACY_IMPORT"]);
		expect(await list({ from: "2021-01-01T00:00:00Z", actions: ["LEGACY_IMPORT"] })).toEqual([]);
	});

	it("refuses a page size over the maximum and a malformed cursor, with field errors", async () => {
		await expect(h.admin.client.audit.list.query({ limit: 201 })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { limit: expect.any(Array) } },
		});
		await expect(h.admin.client.audit.list.query({ cursor: "1 or 1=1" })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { cursor: expect.any(Array) } },
		});
		await expect(h.admin.client.audit.list.query({ from: "yesterday" })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
	});

	it("never shows one organization's events to another's administrator", async () => {
		const a = await tenant("audit-iso-a");
		await provision(a.scim, ["secret-person@a.example"]);
		const b = await h.adminOf("audit-iso-b");
		const seen = await b.client.audit.list.query({ limit: 200 });
		expect(JSON.stringify(seen)).not.toContain("secret-person");
		expect(seen.rows.every((row) => !row.entity.name?.includes("@a.example"))).toBe(true);
		expect(
			(await b.client.audit.list.query({ connectionId: await connectionIdOf(a.admin, "entra") })).rows,
		).toEqual([]);
		expect(await b.client.audit.actions.query()).not.toContain("SCIM_USER_PROVISIONED");
	});

	it("carries no token, even for the event of the token's creation", async () => {
		const { admin, token } = await tenant("audit-secrets");
		const page = await admin.client.audit.list.query({ limit: 200 });
		expect(page.rows.some((row) => row.action === "SCIM_TOKEN_CREATED")).toBe(true);
		expect(JSON.stringify(page)).not.toContain(token);
		expect(JSON.stringify(page)).not.toContain(admin.token);
	});

	it("refuses signed-out callers and non-administrators", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.audit.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
		await expect(h.trpcFor().audit.chainStatus.query()).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
		await expect(member.client.audit.verify.mutate()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
	});
});

describe("audit.actions", () => {
	it("lists the trail's distinct actions alphabetically", async () => {
		const { admin, scim } = await tenant("audit-actions");
		const [id] = await provision(scim, ["x@actions.example", "y@actions.example"]);
		await deprovision(scim, String(id));
		expect(await admin.client.audit.actions.query()).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_USER_DEPROVISIONED",
			"SCIM_USER_PROVISIONED",
		]);
	});
});

describe("audit.chainStatus and audit.verify", () => {
	it("shows the sealed head and unsealed count, and records each verification", async () => {
		const { admin, scim } = await tenant("chain-status");
		await provision(scim, ["p@chain.example", "q@chain.example"]);
		const before = await admin.client.audit.chainStatus.query();
		expect(before).toMatchObject({ unsealed: 3, head: null, lastVerification: null, currentKeyVersion: 1 });

		await sealAuditEvents(h.db.db, keyring);
		const sealed = await admin.client.audit.chainStatus.query();
		const [newest] = (await admin.client.audit.list.query({ limit: 1 })).rows;
		expect(sealed).toMatchObject({
			unsealed: 0,
			head: { eventId: newest?.id, hash: newest?.hash, keyVersion: 1 },
		});

		const verification = await admin.client.audit.verify.mutate();
		expect(verification).toMatchObject({
			intact: true,
			verified: 3,
			upToEventId: newest?.id,
			head: newest?.hash,
			keyVersions: { "1": 3 },
			broken: null,
			verifiedBy: admin.email,
		});
		const after = await admin.client.audit.chainStatus.query();
		expect(after.lastVerification).toEqual(verification);
		expect(after.unsealed).toBe(1);
		const [recorded] = (await admin.client.audit.list.query({ actions: ["AUDIT_CHAIN_VERIFIED"] })).rows;
		expect(recorded).toMatchObject({
			actor: { type: "admin", id: admin.userId, name: admin.email },
			metadata: { intact: true, verified: 3 },
		});
	});

	it("reports the first broken link after a sealed event was edited behind the trigger", async () => {
		const { admin, scim } = await tenant("chain-tamper");
		await provision(scim, ["r@tamper.example", "s@tamper.example"]);
		await sealAuditEvents(h.db.db, keyring);
		const [victim] = (await admin.client.audit.list.query({ actions: ["SCIM_USER_PROVISIONED"], limit: 1 }))
			.rows;
		await tamper(
			h.db,
			sql`update audit_events set entity_name = 'mallory' where id = ${String(victim?.id)}::bigint`,
		);
		const verification = await admin.client.audit.verify.mutate();
		expect(verification.intact).toBe(false);
		expect(verification.verified).toBe(2);
		expect(verification.broken).toContain(`broken at event ${victim?.id}`);
		expect((await admin.client.audit.chainStatus.query()).lastVerification).toMatchObject({ intact: false });
	});

	it("keeps the chain intact when sealed ids cross a power of ten between seals (regression: text-ordered head)", async () => {
		const { admin, scim } = await tenant("chain-digits");
		const filler = await h.adminOf("chain-digits-filler");
		const nextId = async () =>
			Number(
				(await rows<{ id: string }>(h.db.db, sql`select max(id)::text as id from audit_events`))[0]?.id,
			) + 1;
		const fillTo = async (id: number) => {
			const count = id - (await nextId());
			if (count <= 0) return;
			await h.db.db.execute(
				sql`insert into audit_events (org_id, actor_type, action)
					select ${filler.organization.id}, 'system', 'FILLER' from generate_series(1, ${count})`,
			);
		};
		const boundary = 10 ** String(await nextId()).length;
		await fillTo(boundary - 2);
		await provision(scim, ["before@digits.example"]);
		await sealAuditEvents(h.db.db, keyring);
		await fillTo(boundary + 1);
		await provision(scim, ["after@digits.example"]);
		await sealAuditEvents(h.db.db, keyring);
		await provision(scim, ["later@digits.example"]);
		await sealAuditEvents(h.db.db, keyring);
		const status = await admin.client.audit.chainStatus.query();
		const [newest] = (await admin.client.audit.list.query({ limit: 1 })).rows;
		expect(Number(newest?.id)).toBeGreaterThan(boundary);
		expect(status.head?.eventId).toBe(newest?.id);
		expect(await admin.client.audit.verify.mutate()).toMatchObject({
			intact: true,
			verified: 4,
			broken: null,
		});
	});

	it("keeps each organization's verifications to itself", async () => {
		const a = await tenant("chain-iso-a");
		await a.admin.client.audit.verify.mutate();
		const b = await h.adminOf("chain-iso-b");
		expect((await b.client.audit.chainStatus.query()).lastVerification).toBeNull();
	});
});

describe("audit.offboarding", () => {
	it("lists each leaver with the request time, access end, seconds between and sessions killed", async () => {
		const { admin, scim } = await tenant("offboarding");
		const [leaver, stayer] = await provision(scim, ["leaver@off.example", "stayer@off.example"]);
		await createSession(h.db.db, { userId: String(leaver), secret: TEST_SECRET });
		await createSession(h.db.db, { userId: String(leaver), secret: TEST_SECRET });
		await deprovision(scim, String(leaver));
		expect((await scim("DELETE", `/Users/${stayer}`)).status).toBe(204);

		const report = await admin.client.audit.offboarding.query({});
		expect(report.rows.map((row) => [row.action, row.userName, row.sessionsKilled])).toEqual([
			["SCIM_USER_DELETED", "stayer@off.example", 0],
			["SCIM_USER_DEPROVISIONED", "leaver@off.example", 2],
		]);
		const [, deprovisioned] = report.rows;
		expect(deprovisioned).toMatchObject({
			connection: "entra",
			requestedAt: expect.stringMatching(/Z$/),
			secondsToAccessEnd: expect.any(Number),
		});
		const seconds = report.rows.map((row) => Number(row.secondsToAccessEnd)).sort((x, y) => x - y);
		expect(report.summary.count).toBe(2);
		expect(report.summary.p50Seconds).toBeCloseTo(((seconds[0] ?? 0) + (seconds[1] ?? 0)) / 2, 3);
		expect(report.summary.p99Seconds).toBeGreaterThanOrEqual(report.summary.p50Seconds ?? 0);

		let cli = "";
		for await (const line of offboardingReportLines(h.db.db, {
			orgId: admin.organization.id,
			since: undefined,
			format: "jsonl",
		})) {
			cli += line;
		}
		const fromCli = cli
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line) as unknown);
		expect(fromCli).toEqual([...report.rows].reverse());

		const paged = await admin.client.audit.offboarding.query({ limit: 1 });
		expect(paged.rows).toEqual([report.rows[0]]);
		const next = await admin.client.audit.offboarding.query({ limit: 1, cursor: paged.nextCursor ?? "" });
		expect(next.rows).toEqual([report.rows[1]]);
		expect(next.nextCursor).toBeNull();

		const later = await admin.client.audit.offboarding.query({ since: "2999-01-01T00:00:00Z" });
		expect(later).toEqual({
			rows: [],
			nextCursor: null,
			summary: { count: 0, p50Seconds: null, p99Seconds: null },
		});
	});

	it("shows another organization's administrator none of the leavers", async () => {
		const a = await tenant("offboarding-iso-a");
		const [id] = await provision(a.scim, ["gone@iso.example"]);
		await deprovision(a.scim, String(id));
		const b = await h.adminOf("offboarding-iso-b");
		expect(await b.client.audit.offboarding.query({})).toMatchObject({ rows: [], summary: { count: 0 } });
	});
});
