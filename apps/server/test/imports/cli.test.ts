import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { progressLine } from "../../src/cli/progress.ts";
import { IMPORT_CHUNK_ROWS } from "../../src/imports/job.ts";
import { cliTargets, expectOneLineFailure, linesOf, runCli, type SharedDatabase } from "../helpers.ts";
import { usersCsv } from "./fixtures.ts";

const folder = mkdtempSync(join(tmpdir(), "roster-import-files-"));
function file(name: string, content: string): string {
	const path = join(folder, name);
	writeFileSync(path, content);
	return path;
}

const ROWS = IMPORT_CHUNK_ROWS + 20;

describe.each(cliTargets("roster-import-cli-"))("roster users import on $name", (target) => {
	let url: string;
	let inspect: SharedDatabase["use"];
	let close: () => Promise<void>;
	const roster = (...args: string[]) => runCli([...args, "--database-url", url]);
	const importing = (path: string, ...more: string[]) =>
		roster("users", "import", "--org", "default", "--connection", "hr", "--file", path, ...more);

	beforeAll(async () => {
		({ url, use: inspect, close } = await target.open());
		expect((await roster("token", "create", "--org", "default", "--name", "hr")).code).toBe(0);
		expect(
			(await roster("admin", "create", "--email", "local@example.com", "--password", "a long password 1"))
				.code,
		).toBe(0);
	});
	afterAll(() => close());

	it("runs the import with --wait, printing progress lines and the rows that failed", async () => {
		const csv = `${usersCsv("cli", ROWS).trimEnd()}\nlocal@example.com,Local,Admin\n`;
		const result = await importing(file("users.csv", csv), "--wait");
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const lines = linesOf(result.stdout);
		expect(lines[0]).toMatch(new RegExp(`^Import [0-9a-f-]{36} started: ${ROWS + 1} rows$`));
		expect(lines).toContain(`Importing users: ${IMPORT_CHUNK_ROWS}/${ROWS + 1} rows (82%)`);
		expect(lines).toContain(`Importing users: ${ROWS + 1}/${ROWS + 1} rows (100%)`);
		expect(lines.at(-2)).toMatch(/finished: 120 created, 0 updated, 0 unchanged, 1 errors$/);
		expect(lines.at(-1)).toBe(
			`  row ${ROWS + 1} (local@example.com): A user with this userName already exists in the organization.`,
		);
		const [imported] = await inspect((db) =>
			rows<{ count: number }>(db, sql`select count(*)::int as count from users where user_name like 'cli-%'`),
		);
		expect(imported?.count).toBe(ROWS);
	});

	it("only queues the import without --wait", async () => {
		const result = await importing(file("later.csv", usersCsv("later", 2)));
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toMatch(
			/^Import [0-9a-f-]{36} queued: 2 rows; a Roster server's worker runs it$/,
		);
		// The next waited import works on it too: one worker takes import jobs oldest first.
		expect((await importing(file("next.csv", usersCsv("next", 1)), "--wait")).code).toBe(0);
		const [both] = await inspect((db) =>
			rows<{ count: number }>(
				db,
				sql`select count(*)::int as count from users where user_name like 'later-%' or user_name like 'next-%'`,
			),
		);
		expect(both?.count).toBe(3);
	});

	it("refuses a bad file in one line naming the row, queueing nothing", async () => {
		const bad = file("bad.csv", "userName,active\na@x,yes\nb@x,sometimes\n");
		expectOneLineFailure(await importing(bad, "--wait"), /Row 2, column active: "sometimes"/);
		const [jobs] = await inspect((db) =>
			rows<{ count: number }>(db, sql`select count(*)::int as count from jobs where status = 'queued'`),
		);
		expect(jobs?.count).toBe(0);
	});

	it("refuses a missing file and an unknown connection in one line", async () => {
		expectOneLineFailure(
			await importing(join(folder, "nope.csv")),
			/Cannot read --file .*nope\.csv: ENOENT$/,
		);
		const path = file("ok.csv", usersCsv("ok", 1));
		expectOneLineFailure(
			await roster("users", "import", "--org", "default", "--connection", "ghost", "--file", path),
			/Unknown connection "ghost" in organization "default"$/,
		);
	});
});

describe("import progress line", () => {
	function sink(isTTY: boolean) {
		let written = "";
		const out = Object.assign(
			new Writable({
				write(chunk, _encoding, done) {
					written += String(chunk);
					done();
				},
			}),
			{ isTTY },
		);
		return { out, written: () => written };
	}

	it.each([
		["rewrites one line in place on a terminal", true, "\r\x1b[K1/2\r\x1b[K2/2\n"],
		["prints one plain line per change elsewhere", false, "1/2\n2/2\n"],
	])("%s", (_name, isTTY, expected) => {
		const { out, written } = sink(isTTY);
		const line = progressLine(out);
		line.update("1/2");
		line.update("1/2");
		line.update("2/2");
		line.end();
		expect(written()).toBe(expected);
	});
});
