import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, DatabaseError, migrate, organizations, rows } from "../src/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "roster-db-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const serverUrl = process.env.TEST_DATABASE_URL;
const urlForms: ReadonlyArray<readonly [string, () => string, "postgres" | "pglite"]> = [
	["memory://", () => "memory://", "pglite"],
	["pglite:///absolute/dir", () => `pglite://${join(scratch, "absolute")}`, "pglite"],
	[
		"pglite://./relative/dir",
		() => `pglite://./${relative(process.cwd(), join(scratch, "relative"))}`,
		"pglite",
	],
	...(serverUrl
		? ([
				["postgres://", () => serverUrl, "postgres"],
				["postgresql://", () => serverUrl.replace(/^postgres(ql)?:/, "postgresql:"), "postgres"],
			] as const)
		: []),
];

async function failure(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error("expected a failure");
}

describe("createDatabase", () => {
	it.each(urlForms)("opens %s and answers queries", async (_, url, kind) => {
		const handle = await createDatabase(url());
		try {
			expect(handle.kind).toBe(kind);
			await handle.ping();
			expect(await rows<{ answer: number }>(handle.db, sql`select 41 + 1 as answer`)).toEqual([
				{ answer: 42 },
			]);
		} finally {
			await handle.close();
			await handle.close();
		}
		await expect(handle.ping()).rejects.toThrow();
	});

	if (serverUrl)
		it("runs every PostgreSQL session with JIT off, whatever the server's default", async () => {
			const handle = await createDatabase(serverUrl, { poolSize: 2 });
			try {
				const answers = await Promise.all(
					[1, 2].map(() => rows<{ jit: string }>(handle.db, sql`select current_setting('jit') as jit`)),
				);
				expect(answers.flat()).toEqual([{ jit: "off" }, { jit: "off" }]);
			} finally {
				await handle.close();
			}
		});

	it("keeps PGlite data on disk across reopen", async () => {
		const url = `pglite://${join(scratch, "persistent")}`;
		const first = await createDatabase(url);
		await migrate(first);
		await first.db.insert(organizations).values({ slug: "acme", name: "Acme" });
		await first.close();
		const second = await createDatabase(url);
		try {
			const slugs = await second.db.select({ slug: organizations.slug }).from(organizations);
			expect(slugs.map((row) => row.slug).sort()).toEqual(["acme", "default"]);
		} finally {
			await second.close();
		}
	});

	it("never shows the password of a URL it cannot connect to", async () => {
		const error = await failure(createDatabase("postgres://roster:hunter2@127.0.0.1:1/roster"));
		expect(error.message).toContain("postgres://roster:***@127.0.0.1:1/roster");
		expect(error.message).not.toContain("hunter2");
	});
});

describe("createDatabase errors", () => {
	it("rejects a malformed URL", async () => {
		const error = await failure(createDatabase("not a url"));
		expect(error).toBeInstanceOf(DatabaseError);
		expect(error.message).toMatch(/^Malformed database URL "not a url"/);
	});

	it("rejects an unknown scheme", async () => {
		const error = await failure(createDatabase("sqlite:///tmp/x.db"));
		expect(error).toBeInstanceOf(DatabaseError);
		expect(error.message).toMatch(/Unsupported database URL scheme "sqlite:\/\/"/);
	});

	it("reports an unreachable PostgreSQL in one line", async () => {
		const error = await failure(createDatabase("postgres://postgres@127.0.0.1:1/roster"));
		expect(error).toBeInstanceOf(DatabaseError);
		expect(error.message).toMatch(
			/^Cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/roster: /,
		);
		expect(error.message).not.toContain("\n");
	});

	it("gives up on a silent PostgreSQL host within about five seconds", async () => {
		const started = Date.now();
		const error = await failure(createDatabase("postgres://postgres@10.255.255.1:5432/roster"));
		expect(error).toBeInstanceOf(DatabaseError);
		expect(Date.now() - started).toBeLessThan(7_000);
	});
});

describe("PGlite directory lock", () => {
	it("refuses a second open of the same directory until the first closes", async () => {
		const dir = join(scratch, "locked");
		const first = await createDatabase(`pglite://${dir}`);
		expect(readFileSync(`${dir}.lock`, "utf8").trim()).toBe(String(process.pid));
		const error = await failure(createDatabase(`pglite://${dir}`));
		expect(error).toBeInstanceOf(DatabaseError);
		expect(error.message).toMatch(/already open in this process .*one process at a time/);
		expect(error.message).not.toContain("\n");
		await first.close();
		expect(existsSync(`${dir}.lock`)).toBe(false);
		const again = await createDatabase(`pglite://${dir}`);
		await again.close();
	});

	it("refuses a directory held by another running process", async () => {
		const dir = join(scratch, "held");
		const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
		try {
			writeFileSync(`${dir}.lock`, `${holder.pid}\n`);
			const error = await failure(createDatabase(`pglite://${dir}`));
			expect(error).toBeInstanceOf(DatabaseError);
			expect(error.message).toContain(`already open in process ${holder.pid}`);
		} finally {
			holder.kill();
		}
	});

	it("takes over a stale lock whose process has exited", async () => {
		const dir = join(scratch, "stale");
		const gone = spawnSync(process.execPath, ["-e", "0"]);
		writeFileSync(`${dir}.lock`, `${gone.pid}\n`);
		const handle = await createDatabase(`pglite://${dir}`);
		try {
			expect(readFileSync(`${dir}.lock`, "utf8").trim()).toBe(String(process.pid));
		} finally {
			await handle.close();
		}
	});
});
