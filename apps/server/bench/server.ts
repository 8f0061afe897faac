import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { buildServer } from "../build.ts";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** Roster's compiled server, as `pnpm start` runs it. */
const ROSTER_ENTRY = "dist/index.js";

let built: Promise<unknown> | undefined;

/** Builds `dist/` once per bench process, so the server measured is always the current source. */
function buildOnce(): Promise<unknown> {
	built ??= buildServer();
	return built;
}

/** The real Roster server, running as a child process so it never shares a thread with the load generator. */
export interface ServerProcess {
	baseUrl: string;
	pid: number;
	/** Resident set size of the server process, from /proc/<pid>/status (VmRSS), in MiB. */
	rssMb(): number;
	/** The highest resident set size the server process has had so far (VmHWM), in MiB. */
	peakRssMb(): number;
	/** User + system CPU seconds the server has used so far, from /proc/<pid>/stat. */
	cpuSeconds(): number;
	stop(): Promise<void>;
}

/** Linux reports CPU times in clock ticks of 1/100 s on every architecture Node runs on here. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A TCP port free on 127.0.0.1 right now (bound to port 0, then released). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const address = probe.address();
			const port = typeof address === "object" && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

/** A memory figure of a process from /proc/<pid>/status (`VmRSS`, `VmHWM`), in MiB. */
function statusMb(pid: number, field: string): number {
	const status = readFileSync(`/proc/${pid}/status`, "utf8");
	const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1];
	if (kb === undefined) throw new Error(`No ${field} in /proc/${pid}/status`);
	return Number(kb) / 1024;
}

function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}: ${stderr()}`);
		try {
			const res = await fetch(`${baseUrl}/healthz`);
			if (res.ok) return;
		} catch {}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`The server did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s: ${stderr()}`);
}

/**
 * Starts the compiled server, `node dist/index.js` (built first, once per process), or another `entry`
 * (a `.ts` entry runs through tsx), on a free loopback port with production settings and waits for
 * /healthz. With `cpuProfileDir`, V8 writes a .cpuprofile there when the server stops.
 */
export async function startServer(options: {
	/** The entry file, relative to apps/server; Roster's compiled server unless given (the bare baseline is another). */
	entry?: string;
	databaseUrl: string;
	secret: string;
	cpuProfileDir: string | undefined;
	/** Extra Node.js flags, before the profiler's and the entry point. */
	nodeFlags?: string[];
	/** Extra environment, e.g. PGHOST for a Unix-socket connection. */
	env?: Record<string, string>;
	/** Where the server's stdout and stderr go instead of this terminal (the fuzzer's 5xx would flood it). */
	logFile?: string;
}): Promise<ServerProcess> {
	const entry = options.entry ?? ROSTER_ENTRY;
	if (entry === ROSTER_ENTRY) await buildOnce();
	const port = await freePort();
	const profiling = options.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir] : [];
	const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
	const flags = [...(options.nodeFlags ?? []), ...profiling, ...loader];
	const child = spawn(process.execPath, [...flags, entry], {
		cwd: SERVER_DIR,
		env: {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			NODE_ENV: "production",
			HOST: "127.0.0.1",
			PORT: String(port),
			DATABASE_URL: options.databaseUrl,
			ROSTER_SECRET: options.secret,
			LOG_LEVEL: "warn",
			...options.env,
		},
		stdio: ["ignore", options.logFile ? "pipe" : "inherit", "pipe"],
	});
	const log = options.logFile ? createWriteStream(options.logFile) : process.stderr;
	child.stdout?.pipe(log);
	let stderr = "";
	child.stderr?.on("data", (chunk: Buffer) => {
		stderr = (stderr + chunk.toString("utf8")).slice(-4000);
		log.write(chunk);
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error("Could not start the server process");
	const baseUrl = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
		await exited(child);
		clearTimeout(timer);
	};
	try {
		await waitUntilHealthy(baseUrl, child, () => stderr);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		baseUrl,
		pid,
		rssMb: () => statusMb(pid, "VmRSS"),
		peakRssMb: () => statusMb(pid, "VmHWM"),
		cpuSeconds() {
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
		},
		stop,
	};
}
