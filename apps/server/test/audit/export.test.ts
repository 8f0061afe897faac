import { rows } from "@roster/db";
import {
	AUDIT_CHAIN_GENESIS,
	type AuditChainHead,
	checkAuditLink,
	type SealedAuditEvent,
} from "@roster/domain";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageAuditEvents, selectAuditEvents } from "../../src/audit/events.ts";
import { AUDIT_CSV_COLUMNS, auditExportLines } from "../../src/audit/export.ts";
import { offboardingReportLines } from "../../src/audit/offboarding.ts";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { freshTenant, keyring, provision } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h?.close();
});

async function collect(lines: AsyncIterable<string>): Promise<string> {
	let text = "";
	for await (const line of lines) text += line;
	return text;
}

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const awkward = 'O\'Brien, "Pat"\nline two';

/** A tenant with provisioned users (one with an awkward display name), a PATCH, and an old event. */
async function historyFor(slug: string) {
	const tenant = await freshTenant(h, slug);
	await h.db.db.execute(
		sql`insert into audit_events (org_id, occurred_at, actor_type, action)
			values (${tenant.organization.id}, '2020-01-01T00:00:00Z', 'system', 'LEGACY_IMPORT')`,
	);
	const [ada] = await provision(tenant.scim, ["ada@example.com", "=HYPERLINK(1)@example.com"]);
	const patched = await tenant.scim("PATCH", `/Users/${ada}`, {
		schemas: [PATCH],
		Operations: [{ op: "replace", path: "displayName", value: awkward }],
	});
	expect(patched.status).toBe(200);
	await sealAuditEvents(h.db.db, keyring);
	return tenant;
}

describe("audit export", () => {
	it("writes JSONL that parses back to the stored events and re-verifies from the export alone", async () => {
		const { organization } = await historyFor("export-jsonl");
		const text = await collect(
			auditExportLines(h.db.db, { orgId: organization.id, since: undefined, format: "jsonl" }),
		);
		const lines = text.split("\n");
		expect(lines.at(-1)).toBe("");
		const exported = lines.slice(0, -1).map((line) => JSON.parse(line) as SealedAuditEvent);
		const stored = await selectAuditEvents(h.db.db, sql`org_id = ${organization.id}`, 100);
		expect(exported).toEqual(stored);
		expect(exported.map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			"LEGACY_IMPORT",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_UPDATED",
		]);
		let head: AuditChainHead = AUDIT_CHAIN_GENESIS;
		for (const event of exported) {
			expect(event.keyVersion).toBe(1);
			expect(checkAuditLink(head, event, keyring)).toBeUndefined();
			head = { hash: event.hash, keyVersion: event.keyVersion };
		}
	});

	it("writes CSV with a header and RFC 4180 quoting that a CSV parser reads back", async () => {
		const { organization } = await historyFor("export-csv");
		const text = await collect(
			auditExportLines(h.db.db, { orgId: organization.id, since: undefined, format: "csv" }),
		);
		const [header, ...records] = parse(text) as string[][];
		expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
		const stored = await selectAuditEvents(h.db.db, sql`org_id = ${organization.id}`, 100);
		expect(records).toHaveLength(stored.length);
		const byColumn = records.map((record) =>
			Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, i) => [column, record[i]])),
		);
		for (const [i, event] of stored.entries()) {
			expect(byColumn[i]).toMatchObject({
				id: event.id,
				org_id: organization.id,
				occurred_at: event.occurredAt,
				action: event.action,
				actor_id: event.actor.id ?? "",
				prev_hash: event.prevHash,
				hash: event.hash,
				chain_key_version: "1",
			});
			expect(JSON.parse(byColumn[i]?.changes ?? "")).toEqual(event.changes);
			expect(JSON.parse(byColumn[i]?.metadata ?? "")).toEqual(event.metadata);
		}
		const update = byColumn.find((record) => record.action === "SCIM_USER_UPDATED");
		expect(JSON.parse(update?.changes ?? "").displayName.new).toBe(awkward);
		expect(byColumn.map((record) => record.entity_name)).toContain("'=HYPERLINK(1)@example.com");
	});

	it("starts at --since", async () => {
		const { organization } = await historyFor("export-since");
		const since = new Date("2021-01-01T00:00:00Z");
		const text = await collect(auditExportLines(h.db.db, { orgId: organization.id, since, format: "jsonl" }));
		const actions = text
			.trim()
			.split("\n")
			.map((line) => (JSON.parse(line) as { action: string }).action);
		expect(actions).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_UPDATED",
		]);
	});

	it("reads a page at a time and still returns every event once, in id order", async () => {
		const { organization } = await historyFor("export-pages");
		const paged: string[] = [];
		for await (const event of pageAuditEvents(h.db.db, sql`org_id = ${organization.id}`, 3))
			paged.push(event.id);
		const ids = await rows<{ id: string }>(
			h.db.db,
			sql`select id::text as id from audit_events where org_id = ${organization.id} order by audit_events.id`,
		);
		expect(paged).toEqual(ids.map((row) => row.id));
		expect(paged).toHaveLength(5);
	});
});

describe("audit offboarding", () => {
	it("lists each deactivated or deleted user with when the IdP asked, when access ended and sessions killed", async () => {
		const { organization, scim } = await freshTenant(h, "offboarding");
		const [leaver, deleted, stayer] = await provision(scim, [
			"leaver@example.com",
			"deleted@example.com",
			"stayer@example.com",
		]);
		for (const userId of [leaver, leaver, stayer]) {
			await createSession(h.db.db, { userId: String(userId), secret: TEST_SECRET });
		}
		const off = await scim("PATCH", `/Users/${leaver}`, {
			schemas: [PATCH],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect(off.status).toBe(200);
		expect((await scim("DELETE", `/Users/${deleted}`)).status).toBe(204);
		const text = await collect(
			offboardingReportLines(h.db.db, { orgId: organization.id, since: undefined, format: "jsonl" }),
		);
		const records = text
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(records).toHaveLength(2);
		expect(records[0]).toMatchObject({
			action: "SCIM_USER_DEPROVISIONED",
			userId: leaver,
			userName: "leaver@example.com",
			sessionsKilled: 2,
			connection: "entra",
		});
		expect(records[1]).toMatchObject({
			action: "SCIM_USER_DELETED",
			userId: deleted,
			userName: "deleted@example.com",
			sessionsKilled: 0,
		});
		for (const record of records) {
			const requested = Date.parse(String(record.requestedAt));
			const ended = Date.parse(String(record.accessEndedAt));
			expect(record.secondsToAccessEnd).toBe(Math.round(ended - requested) / 1000);
			expect(record.secondsToAccessEnd).toBeGreaterThanOrEqual(-0.05);
			expect(record.secondsToAccessEnd).toBeLessThan(5);
			expect(record.requestId).toEqual(expect.any(String));
			expect(record.eventHash).toBeNull();
		}
		await sealAuditEvents(h.db.db, keyring);
		const csv = await collect(
			offboardingReportLines(h.db.db, { orgId: organization.id, since: undefined, format: "csv" }),
		);
		const [header, ...lines] = parse(csv) as string[][];
		expect(header?.slice(0, 4)).toEqual(["event_id", "action", "user_id", "user_name"]);
		expect(lines.map((line) => line[2])).toEqual([leaver, deleted]);
		expect(lines.every((line) => /^[0-9a-f]{64}$/.test(line.at(-1) ?? ""))).toBe(true);
	});
});
