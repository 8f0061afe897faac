import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type Database, rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveScimToken } from "../src/connections/scim-tokens.ts";
import { hashSecret } from "../src/security/tokens.ts";
import {
	cliTargets,
	expectOneLineFailure as expectOneLine,
	linesOf,
	type ProcessResult,
	runCli,
	type SharedDatabase,
	TEST_SECRET,
} from "./helpers.ts";

const targets = cliTargets("roster-cli-");

/** A refusal also never shows a stack trace. */
function expectOneLineFailure(result: ProcessResult, message: RegExp): void {
	expectOneLine(result, message);
	expect(result.stderr).not.toMatch(/\bat\s.+:\d+/);
}

async function count(db: Database, query: ReturnType<typeof sql>): Promise<number> {
	const [row] = await rows<{ n: number | string }>(db, query);
	return Number(row?.n);
}

describe.each(targets)("roster CLI on $name", (target) => {
	let url: string;
	let inspect: SharedDatabase["use"];
	let close: () => Promise<void>;
	const roster = (...args: string[]) => runCli([...args, "--database-url", url]);

	beforeAll(async () => {
		({ url, use: inspect, close } = await target.open());
	});

	afterAll(async () => {
		await close();
	});

	it("applies migrations with db migrate", async () => {
		const result = await roster("db", "migrate");
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe("Migrations applied");
		expect(
			await inspect((db) => count(db, sql`select count(*) as n from organizations where slug = 'default'`)),
		).toBe(1);
	});

	it("creates an organization once", async () => {
		const created = await roster("org", "create", "--slug", "acme", "--name", "Acme Corp");
		expect(created.stderr).toBe("");
		expect(created.code).toBe(0);
		expect(created.stdout).toContain("acme");
		const again = await roster("org", "create", "--slug", "acme", "--name", "Acme Again");
		expectOneLineFailure(again, /already exists/);
		const names = await inspect((db) =>
			rows<{ name: string }>(db, sql`select name from organizations where slug = 'acme'`),
		);
		expect(names).toEqual([{ name: "Acme Corp" }]);
	});

	it.each([
		[["org", "create", "--slug", "Bad Slug", "--name", "X"], /Invalid slug/],
		[["org", "create", "--slug", "half"], /Missing required option --name/],
		[["org", "create", "--slug", "half", "--name", "X", "--colour", "red"], /Unknown option '--colour'/],
		[["org", "frobnicate"], /Unknown command "org frobnicate"/],
	])("refuses %j with one line and creates nothing", async (args, message) => {
		expectOneLineFailure(await roster(...args), message);
		expect(
			await inspect((db) =>
				count(db, sql`select count(*) as n from organizations where slug in ('half', 'Bad Slug')`),
			),
		).toBe(0);
	});

	it("issues a token whose HMAC alone is stored, and revokes it", async () => {
		const result = await roster(
			"token",
			"create",
			"--org",
			"acme",
			"--name",
			"Entra",
			"--idp",
			"entra",
			"--expires-in",
			"30",
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const token = linesOf(result.stdout).at(-1) ?? "";
		expect(token).toMatch(/^rst_scim_[A-Za-z0-9_-]{43}$/);
		const stored = await inspect((db) =>
			rows<{ token_hash: string; idp_kind: string; expires_at: unknown }>(
				db,
				sql`select t.token_hash, c.idp_kind, t.expires_at from scim_tokens t join scim_connections c on c.id = t.connection_id where c.name = 'Entra'`,
			),
		);
		expect(stored).toHaveLength(1);
		expect(stored[0]?.token_hash).toBe(hashSecret(token, TEST_SECRET));
		expect(stored[0]?.idp_kind).toBe("entra");
		expect(stored[0]?.expires_at).not.toBeNull();
		expect(await inspect((db) => resolveScimToken(db, token, TEST_SECRET))).not.toBeNull();

		const revoked = await roster("token", "revoke", "--org", "acme", "--name", "Entra");
		expect(revoked.stderr).toBe("");
		expect(revoked.code).toBe(0);
		expect(await inspect((db) => resolveScimToken(db, token, TEST_SECRET))).toBeNull();
	});

	it.each([
		[["token", "create", "--org", "nowhere", "--name", "Ghost"], /Unknown organization "nowhere"/],
		[["token", "create", "--org", "acme", "--name", "Ghost", "--idp", "azure"], /Unknown --idp "azure"/],
		[["token", "create", "--org", "acme", "--name", "Ghost", "--expires-in", "soon"], /Invalid --expires-in/],
		[["token", "create", "--org", "acme"], /Missing required option --name/],
		[["token", "revoke", "--org", "acme", "--name", "Ghost"], /Unknown connection "Ghost"/],
	])("refuses %j with one line and creates no connection", async (args, message) => {
		expectOneLineFailure(await roster(...args), message);
		expect(
			await inspect((db) => count(db, sql`select count(*) as n from scim_connections where name = 'Ghost'`)),
		).toBe(0);
	});

	it("sets a connection's compatibility, PATCH answer and rate limit, and refuses bad values in one line", async () => {
		const set = await roster(
			"connection",
			"set",
			"--org",
			"acme",
			"--name",
			"Entra",
			"--compatibility",
			"entra",
			"--rate-limit",
			"50",
		);
		expect(set.stderr).toBe("");
		expect(set.code).toBe(0);
		const stored = async () =>
			inspect((db) =>
				rows<{ settings: unknown }>(db, sql`select settings from scim_connections where name = 'Entra'`),
			);
		const expected = {
			compatibility: "entra",
			userPatchResponse: "200",
			rateLimit: { requestsPerSecond: 50 },
		};
		expect((await stored())[0]?.settings).toEqual(expected);
		const bad = await roster("connection", "set", "--org", "acme", "--name", "Entra", "--rate-limit", "1");
		expectOneLineFailure(bad, /Invalid requestsPerSecond/);
		expect((await stored())[0]?.settings).toEqual(expected);
	});

	it("changes organization settings, refusing a bad value in one line", async () => {
		const set = await roster("org", "set", "--slug", "acme", "--fallback-tier", "USER", "--scim", "off");
		expect(set.stderr).toBe("");
		expect(set.code).toBe(0);
		const org = async () =>
			inspect((db) =>
				rows<{ fallback_tier: string; scim_enabled: boolean }>(
					db,
					sql`select fallback_tier, scim_enabled from organizations where slug = 'acme'`,
				),
			);
		expect(await org()).toEqual([{ fallback_tier: "USER", scim_enabled: false }]);
		expectOneLineFailure(await roster("org", "set", "--slug", "acme", "--scim", "maybe"), /scimEnabled/);
		expect(await org()).toEqual([{ fallback_tier: "USER", scim_enabled: false }]);
	}, 120_000);

	it("creates, lists and deletes role mappings, refusing ambiguous flags in one line", async () => {
		const created = await roster(
			"mapping",
			"create",
			"--org",
			"acme",
			"--group",
			"Admins",
			"--tier",
			"admin",
		);
		expect(created.stderr).toBe("");
		const id = /Created mapping ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? "";
		const listed = await roster("mapping", "list", "--org", "acme");
		expect(listed.stdout).toContain(`${id}\tgroup_display_name "Admins" → tier ADMIN\tpriority 100`);
		expectOneLineFailure(
			await roster(
				"mapping",
				"create",
				"--org",
				"acme",
				"--group",
				"A",
				"--role-pattern",
				"x",
				"--tier",
				"USER",
			),
			/exactly one of/,
		);
		expect((await roster("mapping", "delete", "--org", "acme", "--id", id)).code).toBe(0);
		const left = await inspect((db) => count(db, sql`select count(*) as n from role_mappings`));
		expect(left).toBe(0);
	}, 120_000);

	it("creates a console administrator once", async () => {
		const result = await roster(
			"admin",
			"create",
			"--email",
			"root@example.com",
			"--password",
			"correct horse battery",
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const [admin] = await inspect((db) =>
			rows<{
				user_name: string;
				auth_method: string;
				access_tier: string;
				password_hash: string;
				slug: string;
			}>(
				db,
				sql`select u.user_name, u.auth_method, u.access_tier, u.password_hash, o.slug from users u join organizations o on o.id = u.org_id where u.email = 'root@example.com'`,
			),
		);
		expect(admin).toMatchObject({
			user_name: "root@example.com",
			auth_method: "INTERNAL",
			access_tier: "ADMIN",
			slug: "default",
		});
		expect(admin?.password_hash).toMatch(/^\$argon2id\$/);
		expectOneLineFailure(
			await roster("admin", "create", "--email", "ROOT@example.com", "--password", "another password!"),
			/already exists/,
		);
	});

	it.each([
		[
			["admin", "create", "--email", "ops@example.com", "--password", "long enough pass", "--org", "nowhere"],
			/Unknown organization/,
		],
		[["admin", "create", "--email", "ops@example.com"], /Missing required option --password/],
		[["admin", "create", "--email", "ops@example.com", "--password", "short"], /at least 12 characters/],
	])("refuses %j with one line and creates no user", async (args, message) => {
		expectOneLineFailure(await roster(...args), message);
		expect(
			await inspect((db) => count(db, sql`select count(*) as n from users where email = 'ops@example.com'`)),
		).toBe(0);
	});
});

describe("roster CLI failures outside a command", () => {
	it("prints usage with --help", async () => {
		const result = await runCli(["--help"]);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("token create --org SLUG --name LABEL");
	});

	it("reports an unusable database URL in one line", async () => {
		expectOneLineFailure(await runCli(["db", "migrate", "--database-url", "mysql://nope"]), /^Error: /);
	});

	it("refuses a PGlite directory another process holds, in one line, and works once it is released", async () => {
		const url = `pglite://${join(mkdtempSync(join(tmpdir(), "roster-cli-lock-")), "data")}`;
		const holder = await createDatabase(url);
		try {
			expectOneLineFailure(
				await runCli(["org", "create", "--slug", "locked", "--name", "L", "--database-url", url]),
				/already open in process/,
			);
		} finally {
			await holder.close();
		}
		const retry = await runCli(["org", "create", "--slug", "locked", "--name", "L", "--database-url", url]);
		expect(retry.stderr).toBe("");
		expect(retry.code).toBe(0);
	});
});
