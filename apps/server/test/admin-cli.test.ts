import { PassThrough } from "node:stream";
import { auditEvents, rows } from "@roster/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PromptInput, passwordFrom } from "../src/cli/password-input.ts";
import { ACCOUNT_FAILURE_LIMIT, signIn } from "../src/sessions/sign-in.ts";
import { cliTargets, expectOneLineFailure, runCli, type SharedDatabase, TEST_SECRET } from "./helpers.ts";

const PASSWORD = "piped password, never in argv";

describe.each(cliTargets("roster-admin-cli-"))("admin CLI on $name", (target) => {
	let url: string;
	let inspect: SharedDatabase["use"];
	let close: () => Promise<void>;
	const roster = (args: string[], input?: string) => runCli([...args, "--database-url", url], {}, input);

	beforeAll(async () => {
		({ url, use: inspect, close } = await target.open());
	});
	afterAll(async () => {
		await close();
	});

	it("creates an administrator with the password read from stdin (--password -)", async () => {
		const result = await roster(
			["admin", "create", "--email", "piped@example.com", "--password", "-"],
			`${PASSWORD}\n`,
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe("Created administrator piped@example.com");
		const signedIn = await inspect((db) =>
			signIn(db, { email: "piped@example.com", password: PASSWORD, secret: TEST_SECRET }),
		);
		expect(signedIn.ok).toBe(true);
	}, 60_000);

	it("unlocks an account locked by wrong passwords, audited, and the right password works again", async () => {
		const attempt = (password: string) => (db: Parameters<typeof signIn>[0]) =>
			signIn(db, { email: "piped@example.com", password, secret: TEST_SECRET });
		await inspect(async (db) => {
			for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) await attempt("wrong password")(db);
		});
		expect(await inspect(attempt(PASSWORD))).toMatchObject({ ok: false, reason: "locked" });

		const result = await roster(["admin", "unlock", "--email", "PIPED@example.com"]);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe("Unlocked administrator piped@example.com");

		expect(await inspect(attempt(PASSWORD))).toMatchObject({ ok: true });
		const events = await inspect((db) =>
			db
				.select({
					action: auditEvents.action,
					actorType: auditEvents.actorType,
					actorName: auditEvents.actorName,
				})
				.from(auditEvents)
				.where(eq(auditEvents.entityName, "piped@example.com")),
		);
		expect(events.map((event) => event.action)).toEqual([
			"CONSOLE_SIGNED_IN",
			...Array(ACCOUNT_FAILURE_LIMIT).fill("CONSOLE_SIGN_IN_FAILED"),
			"CONSOLE_ACCOUNT_LOCKED",
			"CONSOLE_SIGN_IN_FAILED",
			"CONSOLE_ACCOUNT_UNLOCKED",
			"CONSOLE_SIGNED_IN",
		]);
		expect(events.find((event) => event.action === "CONSOLE_ACCOUNT_UNLOCKED")).toMatchObject({
			actorType: "system",
			actorName: "cli",
		});
		const [leaked] = await inspect((db) =>
			rows<{ n: number | string }>(
				db,
				sql`select count(*) as n from audit_events where metadata::text like ${`%${PASSWORD}%`} or changes::text like ${`%${PASSWORD}%`}`,
			),
		);
		expect(Number(leaked?.n)).toBe(0);
	}, 60_000);

	it("refuses to unlock an email with no administrator, in one line", async () => {
		expectOneLineFailure(
			await roster(["admin", "unlock", "--email", "nobody@example.com"]),
			/No console administrator "nobody@example.com" in organization "default"/,
		);
	}, 60_000);
});

/** A terminal stand-in: a stream that reports itself a TTY and records raw-mode switches. */
function fakeTerminal(): {
	input: PassThrough & PromptInput;
	output: PassThrough;
	rawModes: boolean[];
	prompts: () => string;
} {
	const input = Object.assign(new PassThrough(), {
		isTTY: true,
		setRawMode: (mode: boolean) => rawModes.push(mode),
	});
	const rawModes: boolean[] = [];
	const output = new PassThrough();
	let written = "";
	output.on("data", (chunk) => {
		written += String(chunk);
	});
	return { input, output, rawModes, prompts: () => written };
}

describe("the password prompt", () => {
	it("asks twice in raw mode, echoing nothing, and honours backspace", async () => {
		const terminal = fakeTerminal();
		const answer = passwordFrom(undefined, terminal);
		terminal.input.write("secret passwordd\u007f\r");
		await new Promise((resolve) => setImmediate(resolve));
		terminal.input.write("secret password\n");
		await expect(answer).resolves.toBe("secret password");
		expect(terminal.rawModes).toEqual([true, false, true, false]);
		expect(terminal.prompts()).toBe("Password: \nRepeat the password: \n");
	});

	it("refuses two different answers", async () => {
		const terminal = fakeTerminal();
		const answer = passwordFrom(undefined, terminal);
		terminal.input.write("first answer\r");
		await new Promise((resolve) => setImmediate(resolve));
		terminal.input.write("second answer\r");
		await expect(answer).rejects.toThrow("The two passwords do not match");
	});

	it("stops on Ctrl-C", async () => {
		const terminal = fakeTerminal();
		const answer = passwordFrom(undefined, terminal);
		terminal.input.write("half\u0003");
		await expect(answer).rejects.toThrow("Cancelled");
		expect(terminal.rawModes).toEqual([true, false]);
	});

	it("never waits for input without a terminal", async () => {
		const input = new PassThrough();
		await expect(passwordFrom(undefined, { input, output: new PassThrough() })).rejects.toThrow(
			/Missing required option --password/,
		);
	});

	it("takes --password as given", async () => {
		await expect(passwordFrom("given on the command line", fakeTerminal())).resolves.toBe(
			"given on the command line",
		);
	});
});
