import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database, type DatabaseHandle, migrate } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import type { Level } from "pino";
import { expect } from "vitest";
import type { Config } from "../src/env.ts";
import { createLogger, type Logger } from "../src/logger.ts";

export const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
export const TEST_SECRET = "test-secret-that-is-at-least-32-bytes-long";

/** A complete config without touching process.env or the file system. */
export function testConfig(overrides: Partial<Config> = {}): Config {
	return {
		port: 0,
		host: "127.0.0.1",
		databaseUrl: "memory://",
		secret: TEST_SECRET,
		secretSource: "environment",
		secretFile: undefined,
		scimEnabled: true,
		logLevel: "info",
		nodeEnv: "test",
		redisUrl: undefined,
		trustedProxies: [],
		publicUrl: undefined,
		auditSealIntervalMs: 0,
		logPruneIntervalMs: 0,
		jobPollIntervalMs: 0,
		jobLeaseMs: 60_000,
		recomputeJobThreshold: 20_000,
		metricsToken: undefined,
		metricsPort: undefined,
		metricsHost: "127.0.0.1",
		webhookDeliveryIntervalMs: 0,
		webhookTimeoutMs: 2000,
		webhookRetryBaseMs: 50,
		webhookAllowPrivateNetworks: true,
		...overrides,
	};
}

/** A real pino logger whose JSON lines are collected in memory. */
export function capturedLogger(level: Level = "info"): { logger: Logger; lines: () => string[] } {
	const chunks: string[] = [];
	const destination = new Writable({
		write(chunk, _encoding, done) {
			chunks.push(String(chunk));
			done();
		},
	});
	const logger = createLogger({ level, destination });
	return { logger, lines: () => chunks.join("").split("\n").filter(Boolean) };
}

export interface ProcessResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** A server entry point started with tsx as a real child process, as an operator would, its output collected. */
function spawnTsx(script: string, args: string[], env: Record<string, string | undefined>) {
	const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
		cwd: SERVER_DIR,
		env: {
			...process.env,
			ROSTER_SECRET: TEST_SECRET,
			DATABASE_URL: undefined,
			INIT_CWD: undefined,
			...env,
		},
	});
	return { child, ...collectOutput(child) };
}

/** Collects a child process's stdout and stderr as they arrive, readable at any time. */
export function collectOutput(child: ChildProcessWithoutNullStreams): { stdout(): string; stderr(): string } {
	let stdout = "";
	let stderr = "";
	child.stdout.on("data", (chunk) => {
		stdout += chunk;
	});
	child.stderr.on("data", (chunk) => {
		stderr += chunk;
	});
	return { stdout: () => stdout, stderr: () => stderr };
}

/** Runs a server entry point with tsx to its end; `input`, when given, is piped to its stdin. */
export function runTsx(
	script: string,
	args: string[],
	env: Record<string, string | undefined> = {},
	input?: string,
): Promise<ProcessResult> {
	const { child, stdout, stderr } = spawnTsx(script, args, env);
	if (input !== undefined) child.stdin.end(input);
	return new Promise((resolve, reject) => {
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout: stdout(), stderr: stderr() }));
	});
}

/** The non-empty lines of a process stream. */
export function linesOf(text: string): string[] {
	return text.split("\n").filter((line) => line.trim() !== "");
}

/** Runs the operator CLI (`pnpm roster`) as a real child process; `input` is piped to its stdin. */
export function runCli(
	args: string[],
	env: Record<string, string | undefined> = {},
	input?: string,
): Promise<ProcessResult> {
	return runTsx("src/cli/main.ts", args, env, input);
}

/** The shape of every CLI refusal: a non-zero exit and exactly one line on stderr matching `message`. */
export function expectOneLineFailure(result: ProcessResult, message: RegExp): void {
	expect(result.code).not.toBe(0);
	const lines = linesOf(result.stderr);
	expect(lines).toHaveLength(1);
	expect(lines[0]).toMatch(message);
}

/** A database a child process opens by URL while the test reads it between runs. */
export interface SharedDatabase {
	url: string;
	/** A handle in this process; on PGlite it holds the directory until closed. */
	connect(): Promise<DatabaseHandle>;
	/** Runs `work` against the database, open only while it runs on PGlite. */
	use<T>(work: (db: Database) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** PGlite in a fresh temporary directory; `use` migrates first when `migrateFirst`. */
function pgliteOnDisk(prefix: string, migrateFirst: boolean): SharedDatabase {
	const url = `pglite://${join(mkdtempSync(join(tmpdir(), prefix)), "data")}`;
	return {
		url,
		connect: () => createDatabase(url),
		async use(work) {
			const handle = await createDatabase(url);
			try {
				if (migrateFirst) await migrate(handle);
				return await work(handle.db);
			} finally {
				await handle.close();
			}
		},
		close: async () => undefined,
	};
}

/** A fresh PostgreSQL database from TEST_DATABASE_URL, kept open until `close`. */
async function postgresDatabase(): Promise<SharedDatabase> {
	const handle = await createTestDatabase();
	const shared = { ...handle, close: async () => undefined };
	return {
		url: handle.url,
		connect: async () => shared,
		use: (work) => work(handle.db),
		close: () => handle.close(),
	};
}

/**
 * The databases the CLI tests run on: PGlite on disk (not migrated: the CLI's first run does it), and
 * PostgreSQL too when TEST_DATABASE_URL is set.
 */
export function cliTargets(prefix: string): { name: string; open(): Promise<SharedDatabase> }[] {
	const pglite = { name: "PGlite on disk", open: async () => pgliteOnDisk(prefix, false) };
	const postgres = { name: "PostgreSQL", open: postgresDatabase };
	return process.env.TEST_DATABASE_URL ? [pglite, postgres] : [pglite];
}

/**
 * A database that a server process started by the test can open too: a fresh PostgreSQL database with
 * TEST_DATABASE_URL, else PGlite on disk (one process at a time: `use` opens it only while the server is
 * stopped). `use` migrates first, so a test may seed before the server's first start.
 */
export async function openSharedDatabase(prefix: string): Promise<SharedDatabase> {
	return process.env.TEST_DATABASE_URL ? postgresDatabase() : pgliteOnDisk(prefix, true);
}

/** A server process started by `spawnServer`. */
export interface ServerProcess {
	child: ChildProcess;
	/** The exit code, once it has exited. */
	exited: Promise<number | null>;
	/** Everything written to stdout so far. */
	stdout(): string;
	/** The first match of `pattern` in stdout; rejects, with `stderr` or stdout, if the server exits first. */
	waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

const servers = new Set<ChildProcess>();

/** Starts `src/index.ts` as an operator would (port 0, the test secret, info logs unless `env` says otherwise). */
export function spawnServer(env: Record<string, string>): ServerProcess {
	const { child, stdout, stderr } = spawnTsx("src/index.ts", [], { PORT: "0", LOG_LEVEL: "info", ...env });
	servers.add(child);
	const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
	return {
		child,
		exited,
		stdout,
		waitFor: (pattern) =>
			new Promise((resolve, reject) => {
				const check = () => {
					const match = pattern.exec(stdout());
					if (!match) return;
					child.stdout.off("data", check);
					resolve(match);
				};
				child.stdout.on("data", check);
				check();
				child.once("exit", (code) =>
					reject(new Error(`server exited with ${code} before ${pattern}: ${stderr() || stdout()}`)),
				);
			}),
	};
}

/** For `afterEach`: kills every server a test left running, so a failed test cannot leak a process. */
export function killServers(): void {
	for (const child of servers) {
		// A child a test already killed with a signal has no exit code, only a signal code.
		if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, "SIGKILL");
		servers.delete(child);
	}
}
