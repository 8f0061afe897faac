import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/env.ts";
import { killServers, linesOf, openSharedDatabase, runCli, spawnServer, TEST_SECRET } from "../helpers.ts";

afterEach(killServers);

describe("AUDIT_SEAL_INTERVAL_MS", () => {
	it("defaults to 250 ms, accepts 0 (off) and refuses anything but a whole number of milliseconds", () => {
		expect(
			parseConfig({ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET }, "/").auditSealIntervalMs,
		).toBe(250);
		const off = parseConfig(
			{ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET, AUDIT_SEAL_INTERVAL_MS: "0" },
			"/",
		);
		expect(off.auditSealIntervalMs).toBe(0);
		for (const bad of ["-1", "soon", "1.5"]) {
			expect(() =>
				parseConfig(
					{ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET, AUDIT_SEAL_INTERVAL_MS: bad },
					"/",
				),
			).toThrow(ConfigError);
		}
	});
});

describe("the server's sealer", () => {
	it("seals the events of the last requests when the server stops on SIGTERM", async () => {
		const target = await openSharedDatabase("roster-seal-boot-");
		try {
			const issued = await runCli([
				"token",
				"create",
				"--org",
				"default",
				"--name",
				"entra",
				"--database-url",
				target.url,
			]);
			expect(issued.code).toBe(0);
			const token = linesOf(issued.stdout).at(-1) ?? "";
			const server = spawnServer({ DATABASE_URL: target.url, AUDIT_SEAL_INTERVAL_MS: "60000" });
			const [, base] = await server.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
			const created = await fetch(`${base}/scim/v2/Users`, {
				method: "POST",
				headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
				body: JSON.stringify({
					schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
					userName: "last@example.com",
				}),
			});
			expect(created.status).toBe(201);
			server.child.kill("SIGTERM");
			expect(await server.exited).toBe(0);
			const events = await target.use((db) =>
				rows<{ action: string; hash: string | null }>(
					db,
					sql`select action, hash from audit_events order by id`,
				),
			);
			expect(events.map((event) => event.action)).toContain("SCIM_USER_PROVISIONED");
			expect(events.every((event) => event.hash !== null)).toBe(true);
		} finally {
			await target.close();
		}
	});
});
