import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBenchDatabase } from "../bench/database.ts";
import { type ServerProcess, startServer } from "../bench/server.ts";
import { generateCase } from "./cases.ts";
import { createFixtures } from "./fixtures.ts";
import { type FuzzOptions, readFuzzOptions } from "./options.ts";
import { type Fixtures, materialize } from "./request.ts";
import { backToBaseline, settledRssMb, watchPeakRss } from "./rss.ts";
import { type Outcome, runCase, runCases, type Transport } from "./runner.ts";
import { FuzzTally } from "./tally.ts";
import { httpTransport } from "./transports.ts";

const PREVIEW_CHARS = 2_000;

function say(line: string): void {
	process.stdout.write(`${line}\n`);
}

function preview(body: string | Uint8Array | undefined): string {
	if (body === undefined) return "(none)";
	const text = typeof body === "string" ? body : Buffer.from(body).toString("latin1");
	const kind = typeof body === "string" ? "" : " bytes, shown as latin1";
	const shown =
		text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars${kind})` : text;
	return JSON.stringify(shown);
}

async function replay(
	options: FuzzOptions,
	index: number,
	send: Transport,
	fixtures: Fixtures,
): Promise<boolean> {
	const fuzzCase = generateCase(options.seed, index);
	const request = materialize(fuzzCase.request, { ...fixtures, token: "<token>" });
	say(`case ${index} of seed ${options.seed} (${fuzzCase.kind})`);
	say(`> ${request.method} ${request.path}`);
	for (const [name, value] of Object.entries(request.headers)) say(`> ${name}: ${value.slice(0, 200)}`);
	say(`> body ${preview(request.body)}`);
	const outcome = await runCase(fuzzCase, fixtures, send);
	say(`< ${outcome.status === 0 ? "no answer" : outcome.status} in ${outcome.ms.toFixed(1)} ms`);
	say(`< body ${preview(outcome.answer?.body)}`);
	say(outcome.failures.length === 0 ? "verdict: ok" : `verdict: FAIL ${outcome.failures.join(", ")}`);
	return outcome.failures.length === 0;
}

async function fuzz(
	options: FuzzOptions,
	server: ServerProcess,
	send: Transport,
	fixtures: Fixtures,
): Promise<boolean> {
	const tally = new FuzzTally();
	const interrupted = new AbortController();
	process.once("SIGINT", () => interrupted.abort());
	const common = {
		signal: interrupted.signal,
		kinds: options.kinds,
		seed: options.seed,
		concurrency: options.concurrency,
		fixtures,
		send,
		onOutcome: (outcome: Outcome) => tally.add(outcome),
	};
	const reporter = setInterval(() => {
		const failed = [...tally.failures.values()].reduce((sum, group) => sum + group.count, 0);
		process.stderr.write(`… ${tally.cases} cases done, ${failed} failures (Ctrl-C stops and summarizes)\n`);
	}, 15_000);
	const warmupStarted = performance.now();
	const warmup = Math.min(options.warmup, options.cases);
	await runCases({ ...common, from: 0, to: warmup });
	const warmupMs = performance.now() - warmupStarted;
	const baseline = await settledRssMb(server);
	const peakWatch = watchPeakRss(server);
	const started = performance.now();
	await runCases({ ...common, from: warmup, to: options.cases });
	const peak = peakWatch.stop();
	clearInterval(reporter);
	const duration = warmupMs + performance.now() - started;
	say("");
	if (interrupted.signal.aborted) say(`interrupted: ${tally.cases} of ${options.cases} cases ran`);
	for (const line of tally.render(options.seed, duration)) say(line);
	const after = await settledRssMb(server);
	const settled = backToBaseline(baseline, after);
	say(
		`server RSS: baseline ${baseline.toFixed(0)} MiB (after ${warmup} warm-up cases), peak ${peak.toFixed(0)} MiB, ` +
			`after ${after.toFixed(0)} MiB → ${settled ? "back to baseline" : "NOT back to baseline"} (limit max(+30 MiB, +20 %))`,
	);
	say(`replay a case: pnpm fuzz --seed ${options.seed} --replay N`);
	return !tally.failed && settled;
}

async function main(): Promise<void> {
	const options = readFuzzOptions(process.argv.slice(2));
	say(
		`roster fuzz: seed ${options.seed}, ${options.replay === undefined ? `${options.cases} cases` : `replay of case ${options.replay}`}, concurrency ${options.concurrency}`,
	);
	const db = await createBenchDatabase(options.databaseUrl, 1, { namePrefix: "roster_fuzz" });
	const logFile = join(
		tmpdir(),
		`roster-fuzz-${options.seed}${options.replay === undefined ? "" : `-case-${options.replay}`}.log`,
	);
	let passed = false;
	try {
		const server = await startServer({
			databaseUrl: db.url,
			secret: db.secret,
			cpuProfileDir: undefined,
			logFile,
		});
		const http = httpTransport(server.baseUrl, options.concurrency, db.token);
		try {
			const fixtures = await createFixtures(http.send, db.token);
			passed =
				options.replay === undefined
					? await fuzz(options, server, http.send, fixtures)
					: await replay(options, options.replay, http.send, fixtures);
		} finally {
			http.close();
			await server.stop();
		}
		say(`server log: ${logFile}`);
	} finally {
		await db.drop();
	}
	process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
	process.stderr.write(
		`fuzz failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
