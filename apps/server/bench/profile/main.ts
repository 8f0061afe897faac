import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { type Frame, framesOf, readProfile } from "./cpuprofile.ts";
import { flameGraphSvg } from "./flamegraph.ts";

const TOP_FUNCTIONS = 25;

function percent(part: number, whole: number): string {
	return `${((part / whole) * 100).toFixed(1).padStart(5)} %`;
}

function selfBy(root: Frame, key: (frame: Frame) => string): [string, number][] {
	const sums = new Map<string, number>();
	for (const frame of framesOf(root)) sums.set(key(frame), (sums.get(key(frame)) ?? 0) + frame.self);
	return [...sums].filter(([, self]) => self > 0).sort((a, b) => b[1] - a[1]);
}

/**
 * `tsx bench/profile/main.ts FILE.cpuprofile [--svg OUT.svg]`: self time by origin (package, Roster
 * module, V8) and the top functions, as shares of all samples and of busy ones; with `--svg`, a flame graph.
 */
function main(argv: readonly string[]): void {
	const [file, ...rest] = argv;
	if (!file) throw new Error("usage: tsx bench/profile/main.ts FILE.cpuprofile [--svg OUT.svg] [--title T]");
	const { root, samples } = readProfile(file);
	const idle = selfBy(root, (frame) => frame.name).find(([name]) => name === "(idle)")?.[1] ?? 0;
	const busy = samples - idle;
	const lines = [
		`${basename(file)}: ${samples} samples, ${percent(idle, samples)} idle`,
		"",
		"self time by origin (of busy):",
	];
	for (const [origin, self] of selfBy(root, (frame) => frame.origin)) {
		if (origin !== "(idle)") lines.push(`  ${percent(self, busy)}  ${origin}`);
	}
	lines.push("", `top ${TOP_FUNCTIONS} functions by self time (of busy):`);
	for (const [name, self] of selfBy(root, (frame) => `${frame.name}  [${frame.origin}]`)
		.filter(([name]) => !name.startsWith("(idle)"))
		.slice(0, TOP_FUNCTIONS)) {
		lines.push(`  ${percent(self, busy)}  ${name}`);
	}
	process.stdout.write(`${lines.join("\n")}\n`);
	const svgAt = rest.indexOf("--svg");
	const out = svgAt === -1 ? undefined : rest[svgAt + 1];
	if (out) {
		const titleAt = rest.indexOf("--title");
		const title = (titleAt === -1 ? undefined : rest[titleAt + 1]) ?? basename(file);
		writeFileSync(out, flameGraphSvg(root, `${title} — ${busy} busy samples`));
		process.stdout.write(`flame graph: ${out}\n`);
	}
}

main(process.argv.slice(2));
