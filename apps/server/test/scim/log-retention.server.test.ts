import { type ChildProcess, spawn } from "node:child_process";
import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openSharedDatabase, SERVER_DIR, TEST_SECRET } from "../helpers.ts";

let child: ChildProcess | undefined;
afterEach(() => {
	if (child && child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
});

describe("the server's provisioning-log retention", () => {
	it("starts at boot, prunes on its interval and stops at shutdown", async () => {
		const target = await openSharedDatabase("roster-retention-boot-");
		try {
			await target.use((db) =>
				db.execute(sql`insert into provisioning_log (org_id, occurred_at, method, path, status, duration_ms, request_id)
					select id, now() - make_interval(days => age), 'GET', '/Users', 200, 1, age::text
					from organizations, (values (31), (29)) as ages(age) where slug = 'default'`),
			);
			const server = spawn(process.execPath, ["--import", "tsx", "src/index.ts"], {
				cwd: SERVER_DIR,
				env: {
					...process.env,
					PORT: "0",
					DATABASE_URL: target.url,
					ROSTER_SECRET: TEST_SECRET,
					LOG_LEVEL: "info",
					LOG_PRUNE_INTERVAL_MS: "100",
				},
			});
			child = server;
			const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
			let output = "";
			await new Promise<void>((resolve, reject) => {
				server.stdout?.on("data", (chunk) => {
					output += chunk;
					if (output.includes("provisioning log pruned")) resolve();
				});
				server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
			});
			server.kill("SIGTERM");
			expect(await exited).toBe(0);
			const pruned = JSON.parse(
				output.split("\n").find((line) => line.includes("provisioning log pruned")) ?? "{}",
			);
			expect(pruned).toMatchObject({ deleted: 1, batches: 1 });
			const left = await target.use((db) =>
				rows<{ request_id: string }>(db, sql`select request_id from provisioning_log`),
			);
			expect(left.map((row) => row.request_id)).toEqual(["29"]);
		} finally {
			await target.close();
		}
	});
});
