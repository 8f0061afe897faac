import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	cliTargets,
	expectOneLineFailure as expectOneLine,
	linesOf,
	type ProcessResult,
	runCli,
	type SharedDatabase,
} from "../helpers.ts";

const targets = cliTargets("roster-audit-cli-");

/** A refusal here also writes nothing on stdout. */
function expectOneLineFailure(result: ProcessResult, message: RegExp): void {
	expectOneLine(result, message);
	expect(result.stdout).toBe("");
}

describe.each(targets)("pnpm roster audit on $name", (target) => {
	let url: string;
	let use: SharedDatabase["use"];
	let close: () => Promise<void>;
	const roster = (...args: string[]) => runCli([...args, "--database-url", url]);
	let ids: string[] = [];

	beforeAll(async () => {
		({ url, use, close } = await target.open());
		expect((await roster("org", "create", "--slug", "acme", "--name", "Acme")).code).toBe(0);
		ids = await use(async (db) => {
			const inserted = await rows<{ id: string }>(
				db,
				sql`insert into audit_events (org_id, actor_type, actor_name, action, entity_type, entity_id, entity_name, metadata)
					select o.id, 'scim_connection', 'entra', e.action, 'User', 'u-1', 'leaver@acme.example', e.metadata::jsonb
					from organizations o, (values
						('SCIM_USER_PROVISIONED', '{}'),
						('SCIM_USER_UPDATED', '{}'),
						('SCIM_USER_DEPROVISIONED', '{"receivedAt":"2026-11-28T09:00:00.000Z","requestId":"req-9","sessionsKilled":3}')
					) as e(action, metadata)
					where o.slug = 'acme'
					returning id::text as id`,
			);
			return inserted.map((row) => row.id);
		});
	});

	afterAll(async () => {
		await close();
	});

	it("seals the events, verifies the chain with exit 0 and exports them as CSV", async () => {
		const sealed = await roster("audit", "seal");
		expect(sealed.code).toBe(0);
		expect(linesOf(sealed.stdout).at(-1)).toBe("Sealed 3 audit events");
		const verified = await roster("audit", "verify", "--org", "acme");
		expect(verified.stderr).toBe("");
		expect(verified.code).toBe(0);
		expect(linesOf(verified.stdout).at(-1)).toMatch(
			/^Audit chain of acme is intact: 3 sealed events verified \(keys: v1 HMAC 3\), 0 not sealed yet, head [0-9a-f]{64}$/,
		);
		const csv = await roster("audit", "export", "--org", "acme", "--format", "csv", "--since", "2020-01-01");
		expect(csv.code).toBe(0);
		const csvLines = linesOf(csv.stdout);
		expect(csvLines.slice(-4)[0]).toMatch(/^id,org_id,occurred_at,/);
		expect(csvLines.slice(-3).map((line) => line.split(",")[0])).toEqual(ids);
		expect(csvLines.slice(-3).every((line) => /,[0-9a-f]{64},[0-9a-f]{64},1$/.test(line))).toBe(true);
	});

	it("prints the offboarding report", async () => {
		const result = await roster("audit", "offboarding", "--org", "acme");
		expect(result.code).toBe(0);
		const [record, ...rest] = linesOf(result.stdout)
			.filter((line) => line.startsWith("{"))
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(rest).toEqual([]);
		expect(record).toMatchObject({
			eventId: ids[2],
			userName: "leaver@acme.example",
			requestedAt: "2026-11-28T09:00:00.000Z",
			sessionsKilled: 3,
			requestId: "req-9",
			connection: "entra",
		});
	});

	it.each([
		[
			["audit", "export", "--org", "acme", "--format", "xml"],
			/^Error: Invalid --format "xml": use jsonl or csv$/,
		],
		[["audit", "export", "--org", "acme", "--since", "last week"], /^Error: Invalid --since "last week"/],
		[["audit", "export", "--org", "nobody"], /^Error: Unknown organization "nobody"$/],
	])("refuses %j with one line on stderr", async (args, message) => {
		expectOneLineFailure(await roster(...args), message);
	});

	it("audits token create and revoke with the CLI as the actor", async () => {
		expect((await roster("token", "create", "--org", "acme", "--name", "okta", "--idp", "okta")).code).toBe(
			0,
		);
		expect((await roster("token", "revoke", "--org", "acme", "--name", "okta")).code).toBe(0);
		const events = await use((db) =>
			rows<{ action: string; actor_name: string; entity_name: string }>(
				db,
				sql`select action, actor_name, entity_name from audit_events where entity_type = 'ScimToken' order by id`,
			),
		);
		expect(events).toEqual([
			{ action: "SCIM_TOKEN_CREATED", actor_name: "cli", entity_name: "okta" },
			{ action: "SCIM_TOKEN_REVOKED", actor_name: "cli", entity_name: "okta" },
		]);
	});

	it("exits non-zero with one line naming the first broken link after a row is edited", async () => {
		const middle = ids[1] ?? "";
		await use((db) =>
			db.transaction(async (tx) => {
				await tx.execute(sql`alter table audit_events disable trigger user`);
				await tx.execute(
					sql`update audit_events set entity_name = 'someone-else' where id = ${middle}::bigint`,
				);
				await tx.execute(sql`alter table audit_events enable trigger user`);
			}),
		);
		expectOneLineFailure(
			await roster("audit", "verify", "--org", "acme"),
			new RegExp(
				`^Error: Audit chain of acme is broken at event ${middle}: hash expected [0-9a-f]{64}, found [0-9a-f]{64}$`,
			),
		);
	});
});
