import { randomInt } from "node:crypto";
import { parseArgs } from "node:util";
import { type CaseKind, caseKinds } from "./cases.ts";

/** What one `pnpm fuzz` run does; every option has a default but the seed is printed so it can be repeated. */
export interface FuzzOptions {
	seed: number;
	cases: number;
	concurrency: number;
	/** Admin URL: a fresh database is created next to its database and dropped afterwards. */
	databaseUrl: string;
	/** Re-runs only this case number and prints its request and answer. */
	replay: number | undefined;
	/** Cases run before the RSS baseline is read (warm-up); they are judged like the rest. */
	warmup: number;
	/** With `--kinds a,b`, only cases of those kinds run (their numbers unchanged); all kinds by default. */
	kinds: ReadonlySet<CaseKind> | undefined;
}

function readKinds(raw: string | undefined): ReadonlySet<CaseKind> | undefined {
	if (raw === undefined) return undefined;
	const kinds = new Set<CaseKind>();
	for (const name of raw.split(",").map((part) => part.trim())) {
		const kind = caseKinds.find((known) => known === name);
		if (!kind) throw new Error(`Unknown case kind "${name}"; choose from ${caseKinds.join(", ")}`);
		kinds.add(kind);
	}
	return kinds;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
	if (raw === undefined) return fallback;
	const value = Number(raw);
	if (!Number.isSafeInteger(value) || value < min)
		throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
	return value;
}

/** Reads `--seed --cases --concurrency --database-url --replay --warmup --kinds`. */
export function readFuzzOptions(argv: string[]): FuzzOptions {
	const { values } = parseArgs({
		args: argv.filter((arg) => arg !== "--"),
		options: {
			seed: { type: "string" },
			cases: { type: "string" },
			concurrency: { type: "string" },
			"database-url": { type: "string" },
			replay: { type: "string" },
			warmup: { type: "string" },
			kinds: { type: "string" },
		},
		strict: true,
	});
	const replay = values.replay === undefined ? undefined : integer("replay", values.replay, 0, 0);
	if (replay !== undefined && values.seed === undefined)
		throw new Error("--replay needs the --seed of the run");
	const cases = integer("cases", values.cases, 100_000, 1);
	return {
		seed: integer("seed", values.seed, randomInt(2 ** 31 - 1), -(2 ** 31)),
		cases,
		concurrency: integer("concurrency", values.concurrency, 8, 1),
		databaseUrl: values["database-url"] ?? "postgres://postgres@127.0.0.1:5432/test",
		replay,
		warmup: integer("warmup", values.warmup, Math.min(1000, Math.floor(cases / 10)), 0),
		kinds: readKinds(values.kinds),
	};
}
