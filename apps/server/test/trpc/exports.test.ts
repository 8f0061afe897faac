import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_CSV_COLUMNS, auditExportLines } from "../../src/audit/export.ts";
import { offboardingReportLines } from "../../src/audit/offboarding.ts";
import { provision } from "../audit/fixtures.ts";
import { CONSOLE_ORIGIN, type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h?.close();
});

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function download(path: string, token?: string): Promise<Response> {
	return await h.app.request(`${CONSOLE_ORIGIN}/exports${path}`, {
		headers: token ? { cookie: `roster_session=${token}` } : {},
	});
}

/** Reads a streamed body chunk by chunk: the text and how many chunks it came in. */
async function chunksOf(res: Response): Promise<{ text: string; chunks: number }> {
	const reader = res.body?.getReader();
	if (!reader) throw new Error("no body");
	const decoder = new TextDecoder();
	let text = "";
	let chunks = 0;
	for (let next = await reader.read(); !next.done; next = await reader.read()) {
		chunks += 1;
		text += decoder.decode(next.value, { stream: true });
	}
	return { text: text + decoder.decode(), chunks };
}

async function collect(lines: AsyncIterable<string>): Promise<string> {
	let text = "";
	for await (const line of lines) text += line;
	return text;
}

async function tenant(slug: string): Promise<{ admin: ConsoleUser; ids: string[] }> {
	const scim = h.clientFor(await h.issueToken(slug, "entra", "entra"));
	const admin = await h.adminOf(slug);
	const ids = await provision(scim, [`ada@${slug}.example`, `=cmd()@${slug}.example`]);
	const reply = await scim("PATCH", `/Users/${ids[0]}`, {
		schemas: [PATCH],
		Operations: [{ op: "replace", path: "active", value: false }],
	});
	expect(reply.status).toBe(200);
	return { admin, ids };
}

describe(`GET /exports/audit (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("answers 401 without a session and 403 for a non-administrator, as JSON, recording nothing", async () => {
		const anonymous = await download("/audit?format=csv");
		expect(anonymous.status).toBe(401);
		expect(await anonymous.json()).toEqual({ error: "Sign in first" });
		const member = await h.memberOf("default");
		const refused = await download("/audit?format=csv", member.token);
		expect(refused.status).toBe(403);
		expect(refused.headers.get("content-type")).toContain("application/json");
		expect((await download("/offboarding", member.token)).status).toBe(403);
		expect((await download("/offboarding", "rst_not-a-session")).status).toBe(401);
		const exported = await h.admin.client.audit.list.query({ actions: ["AUDIT_EXPORTED"] });
		expect(exported.rows).toEqual([]);
	});

	it("streams the same CSV as `audit export` as an attachment, and records who exported what", async () => {
		const { admin } = await tenant("export-csv");
		const res = await download("/audit?format=csv", admin.token);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
		expect(res.headers.get("content-disposition")).toMatch(
			/^attachment; filename="roster-audit-\d{4}-\d\d-\d\d\.csv"$/,
		);
		expect(res.headers.get("content-length")).toBeNull();
		const { text } = await chunksOf(res);
		const cli = await collect(
			auditExportLines(h.db.db, { orgId: admin.organization.id, since: undefined, format: "csv" }),
		);
		expect(text).toBe(cli);
		const [header, ...records] = parse(text) as string[][];
		expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
		expect(records.map((record) => record[6])).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_DEPROVISIONED",
			"AUDIT_EXPORTED",
		]);
		expect(text).toContain("'=cmd()@export-csv.example");

		const [event] = (await admin.client.audit.list.query({ actions: ["AUDIT_EXPORTED"] })).rows;
		expect(event).toMatchObject({
			actor: { type: "admin", id: admin.userId, name: admin.email },
			entity: { type: "AuditTrail", name: "audit events" },
			metadata: { report: "audit", format: "csv", filter: {} },
		});
	});

	it("applies the viewer's filters (repeated action, entity, time) and writes JSONL", async () => {
		const { admin, ids } = await tenant("export-filters");
		const query = `format=jsonl&action=SCIM_USER_PROVISIONED&action=SCIM_USER_DEPROVISIONED&entityId=${ids[0]}&from=2000-01-01T00:00:00Z`;
		const res = await download(`/audit?${query}`, admin.token);
		expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
		expect(res.headers.get("content-disposition")).toMatch(/\.jsonl"$/);
		const events = (await res.text())
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line) as { action: string; entity: { id: string } });
		expect(events.map((event) => [event.action, event.entity.id])).toEqual([
			["SCIM_USER_PROVISIONED", ids[0]],
			["SCIM_USER_DEPROVISIONED", ids[0]],
		]);
		const [event] = (await admin.client.audit.list.query({ actions: ["AUDIT_EXPORTED"] })).rows;
		expect(event?.metadata).toMatchObject({
			format: "jsonl",
			filter: { actions: ["SCIM_USER_PROVISIONED", "SCIM_USER_DEPROVISIONED"], entityId: ids[0] },
		});
	});

	it("refuses a bad query with 400 before exporting anything", async () => {
		const res = await download("/audit?format=xlsx", h.admin.token);
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({ error: expect.stringContaining("format") });
		expect((await download("/audit?from=yesterday", h.admin.token)).status).toBe(400);
		expect((await download("/offboarding?since=soon", h.admin.token)).status).toBe(400);
		expect((await h.admin.client.audit.list.query({ actions: ["AUDIT_EXPORTED"] })).rows).toEqual([]);
	});

	it("streams a large trail in many chunks rather than one body", async () => {
		const { admin } = await tenant("export-large");
		await h.db.db.execute(
			sql`insert into audit_events (org_id, actor_type, actor_name, action, entity_type, entity_name)
				select ${admin.organization.id}, 'system', 'bulk', 'BULK_EVENT', 'User', 'user-' || n || '@large.example'
				from generate_series(1, 3000) as n`,
		);
		const { text, chunks } = await chunksOf(await download("/audit?format=csv", admin.token));
		expect(text.trim().split("\n")).toHaveLength(1 + 4 + 3000 + 1);
		expect(chunks).toBeGreaterThan(3);
	});

	it("exports only the administrator's own organization", async () => {
		await tenant("export-iso-a");
		const b = await h.adminOf("export-iso-b");
		const text = await (await download("/audit?format=jsonl", b.token)).text();
		expect(text).not.toContain("export-iso-a");
		expect(text.trim().split("\n")).toHaveLength(1);
		const offboarding = await (await download("/offboarding?format=csv", b.token)).text();
		expect(offboarding.trim().split("\n")).toHaveLength(1);
	});
});

describe("GET /exports/offboarding", () => {
	it("streams the same report as `audit offboarding`, from `since` on, and records the export", async () => {
		const { admin, ids } = await tenant("export-offboarding");
		const res = await download("/offboarding?format=csv&since=2000-01-01T00:00:00Z", admin.token);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-disposition")).toMatch(/filename="roster-offboarding-[\d-]+\.csv"/);
		const text = await res.text();
		const cli = await collect(
			offboardingReportLines(h.db.db, {
				orgId: admin.organization.id,
				since: new Date("2000-01-01"),
				format: "csv",
			}),
		);
		expect(text).toBe(cli);
		const [header, row] = parse(text) as string[][];
		expect(header?.slice(0, 4)).toEqual(["event_id", "action", "user_id", "user_name"]);
		expect(row?.slice(1, 4)).toEqual(["SCIM_USER_DEPROVISIONED", ids[0], "ada@export-offboarding.example"]);
		const later = await (
			await download("/offboarding?format=csv&since=2999-01-01T00:00:00Z", admin.token)
		).text();
		expect(later.trim().split("\n")).toHaveLength(1);
		const [event] = (await admin.client.audit.list.query({ actions: ["AUDIT_EXPORTED"] })).rows;
		expect(event?.metadata).toMatchObject({
			report: "offboarding",
			filter: { since: "2999-01-01T00:00:00Z" },
		});
	});
});
