import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../build.ts";
import { collectOutput, linesOf, openSharedDatabase, SERVER_DIR, TEST_SECRET } from "./helpers.ts";

const CONSOLE_INDEX = join(SERVER_DIR, "../console/dist/index.html");

let outdir: string;
/** A working directory outside the repository: the bundle must find its files from its own location. */
let cwd: string;
const children = new Set<ChildProcess>();

interface Started {
	child: ChildProcess;
	stdout(): string;
	stderr(): string;
	exited: Promise<number | null>;
}

/** Runs a file of the build with plain `node`, as `pnpm start` and a container do: no tsx, no sources. */
function runBuilt(file: string, args: string[], env: Record<string, string>): Started {
	const child = spawn(process.execPath, [join(outdir, file), ...args], {
		cwd,
		env: { PATH: process.env.PATH, HOME: process.env.HOME, ROSTER_SECRET: TEST_SECRET, ...env },
	});
	children.add(child);
	const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
	return { child, ...collectOutput(child), exited };
}

/** The server's address once it logs that it is listening; rejects if it exits first. */
function listeningUrl(server: Started): Promise<string> {
	return new Promise((resolve, reject) => {
		const check = () => {
			const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.stdout())?.[1];
			if (url === undefined) return;
			server.child.stdout?.off("data", check);
			resolve(url);
		};
		server.child.stdout?.on("data", check);
		server.child.once("exit", (code) =>
			reject(new Error(`the built server exited with ${code}: ${server.stderr() || server.stdout()}`)),
		);
		check();
	});
}

beforeAll(async () => {
	outdir = mkdtempSync(join(SERVER_DIR, "node_modules", ".roster-build-test-"));
	cwd = mkdtempSync(join(tmpdir(), "roster-build-cwd-"));
	await buildServer({ outdir });
});

afterEach(() => {
	for (const child of children) {
		if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
		children.delete(child);
	}
});

afterAll(() => {
	rmSync(outdir, { recursive: true, force: true });
	rmSync(cwd, { recursive: true, force: true });
});

describe("the compiled build (dist/index.js, dist/cli.js)", () => {
	it("bundles Roster's own packages and leaves third-party packages to node_modules", () => {
		const bundle = readFileSync(join(outdir, "index.js"), "utf8");
		expect(bundle).not.toMatch(/from "@roster\//);
		expect(bundle).toMatch(/from "hono"/);
		expect(bundle).toMatch(/from "@electric-sql\/pglite"/);
		expect(existsSync(join(outdir, "index.js.map"))).toBe(true);
		expect(existsSync(join(outdir, "cli.js"))).toBe(true);
	});

	it("migrates and issues a token with the built CLI, then serves SCIM, health and the console", async () => {
		const target = await openSharedDatabase("roster-build-");
		try {
			const issued = runBuilt(
				"cli.js",
				["token", "create", "--org", "default", "--name", "built", "--database-url", target.url],
				{},
			);
			expect(await issued.exited, issued.stderr()).toBe(0);
			const token = linesOf(issued.stdout()).at(-1) ?? "";
			expect(token).not.toBe("");

			const server = runBuilt("index.js", [], {
				DATABASE_URL: target.url,
				PORT: "0",
				LOG_LEVEL: "info",
				AUDIT_SEAL_INTERVAL_MS: "0",
			});
			const base = await listeningUrl(server);
			const health = await fetch(`${base}/healthz`);
			expect(health.status).toBe(200);
			expect(await health.json()).toEqual({ status: "ok" });
			expect((await fetch(`${base}/readyz`)).status).toBe(200);
			expect((await fetch(`${base}/scim/v2/ServiceProviderConfig`)).status).toBe(401);
			const users = await fetch(`${base}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
			expect(users.status).toBe(200);
			expect(await users.json()).toMatchObject({ totalResults: 0 });

			const page = await fetch(`${base}/`, { headers: { Accept: "text/html" } });
			expect(page.status).toBe(200);
			const body = await page.text();
			if (existsSync(CONSOLE_INDEX)) expect(body).toBe(readFileSync(CONSOLE_INDEX, "utf8"));
			else expect(body).toMatch(/console is not built yet/);

			server.child.kill("SIGTERM");
			expect(await server.exited).toBe(0);
		} finally {
			await target.close();
		}
	});
});
