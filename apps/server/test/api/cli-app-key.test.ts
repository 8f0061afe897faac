import { type DatabaseHandle, rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { hashSecret } from "../../src/security/tokens.ts";
import { cliTargets, expectOneLineFailure, linesOf, runCli, TEST_SECRET, testConfig } from "../helpers.ts";

const targets = cliTargets("roster-app-key-");

describe.each(targets)("pnpm roster app-key on $name", (target) => {
	let url: string;
	let connect: () => Promise<DatabaseHandle>;
	let close: () => Promise<void>;
	const roster = (...args: string[]) => runCli([...args, "--database-url", url]);

	/** Runs `use` against a real app over the CLI's database, closed again before the next CLI call. */
	async function withApp<T>(use: (app: ReturnType<typeof createApp>, db: DatabaseHandle) => Promise<T>) {
		const db = await connect();
		try {
			return await use(
				createApp({ db, config: testConfig(), logger: createLogger({ level: "silent" }) }),
				db,
			);
		} finally {
			await db.close();
		}
	}

	beforeAll(async () => {
		({ url, connect, close } = await target.open());
	});
	afterAll(async () => {
		await close();
	});

	it("prints a key alone on the last stdout line that works on /api/v1 and is stored only as its HMAC", async () => {
		const created = await roster("app-key", "create", "--org", "default", "--name", "wiki");
		expect(created.stderr).toBe("");
		expect(created.code).toBe(0);
		const key = linesOf(created.stdout).at(-1) ?? "";
		expect(key).toMatch(/^rst_app_[A-Za-z0-9_-]{43}$/);
		await withApp(async (app, db) => {
			const stored = await rows<{ key_hash: string; prefix: string }>(
				db.db,
				sql`select key_hash, prefix from app_keys where name = 'wiki'`,
			);
			expect(stored).toEqual([{ key_hash: hashSecret(key, TEST_SECRET), prefix: key.slice(0, 12) }]);
			const audit = await rows<{ action: string }>(
				db.db,
				sql`select action from audit_events where entity_type = 'AppKey'`,
			);
			expect(audit).toEqual([{ action: "APP_KEY_CREATED" }]);
			const res = await app.request("/api/v1/users/access?userName=nobody", {
				headers: { Authorization: `Bearer ${key}` },
			});
			expect(res.status).toBe(404);
			expect(await res.json()).toMatchObject({ error: "not_found" });
		});

		const revoked = await roster("app-key", "revoke", "--org", "default", "--name", "wiki");
		expect(revoked.stderr).toBe("");
		expect(revoked.code).toBe(0);
		await withApp(async (app) => {
			const res = await app.request("/api/v1/users/access?userName=nobody", {
				headers: { Authorization: `Bearer ${key}` },
			});
			expect(res.status).toBe(401);
		});
	});

	it.each([
		[["app-key", "create", "--org", "nowhere", "--name", "ghost"], /Unknown organization "nowhere"/],
		[["app-key", "create", "--org", "default"], /Missing required option --name/],
		[["app-key", "create", "--org", "default", "--name", "   "], /Missing required option --name/],
		[["app-key", "revoke", "--org", "default", "--name", "ghost"], /No live application key "ghost"/],
	])("refuses %j with one line on stderr and stores no key", async (args, message) => {
		expectOneLineFailure(await roster(...args), message);
		const count = await withApp((_app, db) =>
			rows<{ n: number | string }>(db.db, sql`select count(*) as n from app_keys where name = 'ghost'`),
		);
		expect(Number(count[0]?.n)).toBe(0);
	});
});
