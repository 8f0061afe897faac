import { type DatabaseHandle, rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingSecretOf } from "../../src/events/webhook-endpoints.ts";
import { cliTargets, expectOneLineFailure, linesOf, runCli, TEST_SECRET } from "../helpers.ts";

const targets = cliTargets("roster-webhook-cli-");

describe.each(targets)("pnpm roster webhook on $name", (target) => {
	let url: string;
	let connect: () => Promise<DatabaseHandle>;
	let close: () => Promise<void>;
	const roster = (...args: string[]) => runCli([...args, "--database-url", url]);

	beforeAll(async () => {
		({ url, connect, close } = await target.open());
	});
	afterAll(async () => {
		await close();
	});

	it("creates an endpoint with its secret alone on the last line, lists, disables, enables and deletes it", {
		timeout: 240_000,
	}, async () => {
		const created = await roster(
			"webhook",
			"create",
			"--org",
			"default",
			"--url",
			"https://hooks.example.com/roster",
		);
		expect(created.stderr).toBe("");
		expect(created.code).toBe(0);
		const secret = linesOf(created.stdout).at(-1) ?? "";
		expect(secret).toMatch(/^whsec_/);
		const id = /endpoint ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? "";
		const db = await connect();
		try {
			const [stored] = await rows<{ secret_sealed: string }>(
				db.db,
				sql`select secret_sealed from webhook_endpoints`,
			);
			expect(stored?.secret_sealed).not.toContain(secret.slice(6));
			expect(signingSecretOf({ secretSealed: stored?.secret_sealed ?? "" }, TEST_SECRET)).toBe(secret);
		} finally {
			await db.close();
		}
		const listed = await roster("webhook", "list", "--org", "default");
		expect(listed.stdout).toContain(`${id}\tenabled\thttps://hooks.example.com/roster`);
		expect(listed.stdout).not.toContain("whsec_");
		expect((await roster("webhook", "disable", "--org", "default", "--id", id)).stdout).toContain("Disabled");
		expect((await roster("webhook", "list", "--org", "default")).stdout).toContain("\tdisabled\t");
		expect((await roster("webhook", "enable", "--org", "default", "--id", id)).code).toBe(0);
		expect((await roster("webhook", "delete", "--org", "default", "--id", id)).code).toBe(0);
		expect((await roster("webhook", "list", "--org", "default")).stdout).toContain("No webhook endpoints");
	});

	it("refuses a private or plain-http target and an unknown endpoint in one line", {
		timeout: 120_000,
	}, async () => {
		expectOneLineFailure(
			await roster("webhook", "create", "--org", "default", "--url", "http://10.0.0.5/hook"),
			/endpoint URL must use https/,
		);
		expectOneLineFailure(
			await roster("webhook", "create", "--org", "default", "--url", "https://192.168.1.1/hook"),
			/private or loopback/,
		);
		expectOneLineFailure(
			await roster("webhook", "delete", "--org", "default", "--id", "00000000-0000-4000-8000-000000000000"),
			/No webhook endpoint/,
		);
	});
});
