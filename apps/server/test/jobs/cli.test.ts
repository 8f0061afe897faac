import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { progressText } from "../../src/cli/jobs.ts";
import { cliTargets, expectOneLineFailure, runCli, type SharedDatabase } from "../helpers.ts";

describe("a job's progress on a terminal", () => {
	it("is a bar with a percentage and counts, or the count alone while the total is unknown", () => {
		expect(progressText({ done: 0, total: 200, status: "queued" })).toBe(`[${".".repeat(30)}]   0% 0/200`);
		expect(progressText({ done: 5000, total: 10_000, status: "running" })).toBe(
			`[${"#".repeat(15)}${".".repeat(15)}]  50% 5,000/10,000`,
		);
		expect(progressText({ done: 10, total: 10, status: "succeeded" })).toBe(`[${"#".repeat(30)}] 100% 10/10`);
		expect(progressText({ done: 1200, total: null, status: "running" })).toBe("1,200");
		expect(progressText({ done: 3, total: null, status: "succeeded" })).toBe(`[${"#".repeat(30)}] 100% 3`);
	});
});

describe.each(cliTargets("roster-jobs-cli-"))("roster jobs on $name", (target) => {
	let shared: SharedDatabase;
	beforeAll(async () => {
		shared = await target.open();
		expect((await runCli(["db", "migrate", "--database-url", shared.url])).code).toBe(0);
	});
	afterAll(async () => {
		await shared?.close();
	});

	it("lists no jobs for a quiet organization and refuses to watch an unknown one", async () => {
		const listed = await runCli(["jobs", "list", "--org", "default", "--database-url", shared.url]);
		expect(listed.code, listed.stderr).toBe(0);
		expect(listed.stdout.trim()).toBe("No jobs");
		const unknown = "00000000-0000-4000-8000-000000000000";
		expectOneLineFailure(
			await runCli(["jobs", "watch", "--org", "default", "--id", unknown, "--database-url", shared.url]),
			new RegExp(`^Error: Unknown job "${unknown}"$`),
		);
	});
});
