import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { killServers, openSharedDatabase, spawnServer } from "../helpers.ts";

afterEach(killServers);

/** The worker's line for a finished pruning job (the schedule enqueues it; a worker runs it). */
const RETENTION_JOB_RAN = /^\{[^\n]*"kind":"audit\.log-retention"[^\n]*"background job ran"[^\n]*$/m;

describe("the server's provisioning-log retention", () => {
	it("starts at boot, prunes on its interval and stops at shutdown", async () => {
		const target = await openSharedDatabase("roster-retention-boot-");
		try {
			await target.use((db) =>
				db.execute(sql`insert into provisioning_log (org_id, occurred_at, method, path, status, duration_ms, request_id)
					select id, now() - make_interval(days => age), 'GET', '/Users', 200, 1, age::text
					from organizations, (values (31), (29)) as ages(age) where slug = 'default'`),
			);
			const server = spawnServer({ DATABASE_URL: target.url, LOG_PRUNE_INTERVAL_MS: "100" });
			const [line] = await server.waitFor(RETENTION_JOB_RAN);
			server.child.kill("SIGTERM");
			expect(await server.exited).toBe(0);
			expect(JSON.parse(line)).toMatchObject({ outcome: "succeeded", done: 1 });
			const left = await target.use((db) =>
				rows<{ request_id: string }>(db, sql`select request_id from provisioning_log`),
			);
			expect(left.map((row) => row.request_id)).toEqual(["29"]);
		} finally {
			await target.close();
		}
	});
});
