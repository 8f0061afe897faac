import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../bench/server.ts";
import { buildServer } from "../../build.ts";
import { collectOutput, linesOf, openSharedDatabase, TEST_SECRET } from "../helpers.ts";
import { REPO_ROOT, readDockerfile, type Stage } from "./image-files.ts";

const execFileAsync = promisify(execFile);
/** The pnpm running this test (`npx pnpm test` from a fresh clone puts none on PATH), else PATH's. */
const PNPM = process.env.npm_execpath?.includes("pnpm")
	? [process.execPath, process.env.npm_execpath]
	: ["pnpm"];

function pnpm(args: string[]): Promise<unknown> {
	const [command = "pnpm", ...prefix] = PNPM;
	return execFileAsync(command, [...prefix, ...args], { cwd: REPO_ROOT });
}
const READY_TIMEOUT_MS = 60_000;
const stages = readDockerfile();
const runtime = stages.at(-1) as Stage;
const buildStage = stages.find((stage) => stage.name === runtime.copies[0]?.from) as Stage;

/** A directory standing for the image's WORKDIR: only what the runtime stage's COPY lines put there. */
let imageRoot: string;
let scratch: string;
const children = new Set<ChildProcess>();

/** The build stage's `pnpm … deploy … <dir>` command, split into words (it has no quoting). */
function deployCommand(): string[] {
	const step = buildStage.instructions.find(
		(s) => s.keyword === "RUN" && /\bpnpm\b.*\bdeploy\b/.test(s.text),
	);
	if (!step) throw new Error("The build stage has no pnpm deploy step");
	return step.text.trim().split(/\s+/);
}

/**
 * The console's build output: the one `pnpm build` left in `apps/console/dist`, else built now next to it
 * and moved there in one rename, so a test reading that directory at the same time never sees half of it.
 */
async function consoleDist(): Promise<string> {
	const dist = join(REPO_ROOT, "apps/console/dist");
	if (existsSync(join(dist, "index.html"))) return dist;
	const fresh = mkdtempSync(join(REPO_ROOT, "apps/console/node_modules/.roster-console-build-"));
	await pnpm(["--filter", "@roster/console", "exec", "vite", "build", "--outDir", fresh, "--emptyOutDir"]);
	try {
		renameSync(fresh, dist);
		return dist;
	} catch {
		return fresh;
	}
}

/**
 * Produces the build stage's outputs here, as the image build does: `apps/server/dist` by the same
 * `buildServer` as `pnpm build` (in place: the bundle finds migrations and the console relative to it),
 * the console's, and the same `pnpm deploy` command run from the repository; committed files come from
 * the repository itself.
 */
async function buildOutputs(): Promise<(source: string) => string> {
	const workdir = buildStage.workdir ?? "/";
	const { outdir } = await buildServer();
	const outputs: Record<string, string> = {
		[`${workdir}/apps/server/dist`]: outdir,
		[`${workdir}/apps/console/dist`]: await consoleDist(),
	};
	const [command, ...args] = deployCommand();
	expect(command).toBe("pnpm");
	const deployTarget = args.at(-1) ?? "";
	const deployDir = join(scratch, "deploy");
	await pnpm([...args.slice(0, -1), deployDir]);
	return (source) => {
		const output = outputs[source];
		if (output) return output;
		if (source.startsWith(`${deployTarget}/`)) return join(deployDir, relative(deployTarget, source));
		if (source.startsWith(`${workdir}/`)) return join(REPO_ROOT, relative(workdir, source));
		throw new Error(`No build output for COPY source ${source}`);
	};
}

/** The environment of a container started from the image with compose's settings and the test's database. */
function containerEnv(databaseUrl: string, port: number): Record<string, string> {
	return {
		PATH: process.env.PATH ?? "",
		HOME: imageRoot,
		...runtime.env,
		PORT: String(port),
		DATABASE_URL: databaseUrl,
		ROSTER_SECRET: TEST_SECRET,
		...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
	};
}

/** Runs `node …` as the image does (argv of its CMD or HEALTHCHECK), in the image's WORKDIR. */
function runNode(argv: readonly string[], env: Record<string, string>) {
	expect(argv[0]).toBe("node");
	const child = spawn(process.execPath, argv.slice(1), { cwd: imageRoot, env });
	children.add(child);
	const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
	return { child, exited, ...collectOutput(child) };
}

async function waitForHealth(
	base: string,
	exited: Promise<number | null>,
	output: () => string,
): Promise<void> {
	let gone = false;
	void exited.then(() => {
		gone = true;
	});
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (gone) throw new Error(`the image's server exited: ${output()}`);
		const status = await fetch(`${base}/healthz`).then(
			(res) => res.status,
			() => 0,
		);
		if (status === 200) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`no /healthz within ${READY_TIMEOUT_MS} ms: ${output()}`);
}

beforeAll(async () => {
	scratch = mkdtempSync(join(tmpdir(), "roster-image-scratch-"));
	imageRoot = mkdtempSync(join(tmpdir(), "roster-image-"));
	const outputOf = await buildOutputs();
	for (const copy of runtime.copies) {
		if (isAbsolute(copy.destination)) throw new Error(`Absolute COPY destination ${copy.destination}`);
		cpSync(outputOf(copy.source), join(imageRoot, copy.destination), {
			recursive: true,
			verbatimSymlinks: true,
		});
	}
	// The image holds copies, not links into the build: the deployed dependencies go before anything runs.
	rmSync(scratch, { recursive: true, force: true });
}, 300_000);

afterEach(() => {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, "SIGKILL");
		children.delete(child);
	}
});

afterAll(() => {
	rmSync(imageRoot, { recursive: true, force: true });
});

describe("the image's runtime stage, rebuilt without Docker from its COPY lines", () => {
	it("holds only the bundle, the console, the migrations and production dependencies", () => {
		expect(existsSync(join(imageRoot, "apps/server/src"))).toBe(false);
		// The bundle runs on plain node: no TypeScript loader or bundler is installed, not even transitively.
		const installed = readdirSync(join(imageRoot, "apps/server/node_modules/.pnpm"));
		for (const tool of ["tsx", "esbuild", "vitest"]) {
			expect(existsSync(join(imageRoot, "apps/server/node_modules", tool))).toBe(false);
			expect(installed.filter((entry) => entry.startsWith(`${tool}@`))).toEqual([]);
		}
		expect(existsSync(join(imageRoot, "apps/console/dist/index.html"))).toBe(true);
		expect(readFileSync(join(imageRoot, "apps/server/dist/index.js"), "utf8")).not.toMatch(/from "@roster\//);
	});

	it("issues a token with the image's CLI, starts with its CMD and answers health, SCIM and the console", async () => {
		const target = await openSharedDatabase("roster-image-");
		try {
			const port = await freePort();
			const env = containerEnv(target.url, port);
			const cliEntry = (runtime.cmd ?? []).slice(1, 2).map((entry) => entry.replace(/index\.js$/, "cli.js"));
			const issued = runNode(
				["node", ...cliEntry, "token", "create", "--org", "default", "--name", "image"],
				env,
			);
			expect(await issued.exited, issued.stderr()).toBe(0);
			const token = linesOf(issued.stdout()).at(-1) ?? "";
			expect(token).toMatch(/\S{20,}/);

			const server = runNode(runtime.cmd ?? [], env);
			const base = `http://127.0.0.1:${port}`;
			await waitForHealth(base, server.exited, () => server.stderr() || server.stdout());
			expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
			expect((await fetch(`${base}/readyz`)).status).toBe(200);
			const healthcheck = runNode(runtime.healthcheck ?? [], env);
			expect(await healthcheck.exited, healthcheck.stderr()).toBe(0);

			expect((await fetch(`${base}/scim/v2/Users`)).status).toBe(401);
			const users = await fetch(`${base}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
			expect(users.status).toBe(200);
			const page = await fetch(`${base}/`, { headers: { Accept: "text/html" } });
			expect(await page.text()).toBe(readFileSync(join(imageRoot, "apps/console/dist/index.html"), "utf8"));

			server.child.kill("SIGTERM");
			expect(await server.exited).toBe(0);
			const unhealthy = runNode(runtime.healthcheck ?? [], env);
			expect(await unhealthy.exited).toBe(1);
		} finally {
			await target.close();
		}
	});
});
