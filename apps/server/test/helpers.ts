import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database, migrate } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import type { Level } from "pino";
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
		auditSealIntervalMs: 0,
		logPruneIntervalMs: 0,
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

/** Runs a server entry point with tsx as a real child process, as an operator would. */
export function runTsx(
	script: string,
	args: string[],
	env: Record<string, string | undefined> = {},
): Promise<ProcessResult> {
	return new Promise((resolve, reject) => {
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
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (chunk) => {
			stdout += chunk;
		});
		child.stderr.on("data", (chunk) => {
			stderr += chunk;
		});
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

/** The non-empty lines of a process stream. */
export function linesOf(text: string): string[] {
	return text.split("\n").filter((line) => line.trim() !== "");
}

/**
 * A database that a server process started by the test can open too: a fresh PostgreSQL database with
 * TEST_DATABASE_URL, else PGlite on disk (one process at a time: `use` opens it only while the server is
 * stopped). `use` migrates first, so a test may seed before the server's first start.
 */
export async function openSharedDatabase(prefix: string): Promise<{
	url: string;
	use<T>(work: (db: Database) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}> {
	if (process.env.TEST_DATABASE_URL) {
		const handle = await createTestDatabase();
		return { url: handle.url, use: (work) => work(handle.db), close: () => handle.close() };
	}
	const url = `pglite://${join(mkdtempSync(join(tmpdir(), prefix)), "data")}`;
	return {
		url,
		async use(work) {
			const handle = await createDatabase(url);
			try {
				await migrate(handle);
				return await work(handle.db);
			} finally {
				await handle.close();
			}
		},
		close: async () => undefined,
	};
}
