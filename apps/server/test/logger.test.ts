import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { capturedLogger, testConfig } from "./helpers.ts";

let db: DatabaseHandle;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db.close();
});

describe("logger redaction", () => {
	it("redacts credentials by field name", () => {
		const { logger, lines } = capturedLogger();
		logger.info(
			{
				headers: { authorization: "Bearer rst_scim_leaked", cookie: "session=rst_sess_leaked" },
				password: "hunter2-password",
				user: { password: "nested-password", token: "rst_app_leaked", secret: "nested-secret" },
			},
			"incoming",
		);
		const output = lines().join("\n");
		for (const leaked of [
			"rst_scim_leaked",
			"rst_sess_leaked",
			"hunter2-password",
			"nested-password",
			"rst_app_leaked",
			"nested-secret",
		]) {
			expect(output).not.toContain(leaked);
		}
		expect(output).toContain("[redacted]");
	});

	it("logs requests without bodies, credentials or query strings", async () => {
		const { logger, lines } = capturedLogger();
		const app = createApp({ db, config: testConfig(), logger });
		const res = await app.request(
			"/scim/v2/Users?filter=userName%20eq%20%22x%22&access_token=rst_scim_query",
			{
				method: "POST",
				headers: { Authorization: "Bearer rst_scim_header", "Content-Type": "application/scim+json" },
				body: JSON.stringify({ userName: "alice", password: "body-password" }),
			},
		);
		expect(res.status).toBeGreaterThanOrEqual(400);
		const output = lines().join("\n");
		for (const leaked of ["rst_scim_query", "rst_scim_header", "body-password", "alice", "filter"]) {
			expect(output).not.toContain(leaked);
		}
		const entry = lines()
			.map((line) => JSON.parse(line) as Record<string, unknown>)
			.find((line) => line.msg === "request");
		expect(entry).toMatchObject({ method: "POST", path: "/scim/v2/Users", status: res.status });
		expect(entry?.requestId).toBe(res.headers.get("X-Request-Id"));
		expect(typeof entry?.durationMs).toBe("number");
	});
});
