import { expect } from "vitest";

/** One sample line of the Prometheus text format. */
export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

/** A parsed scrape: each family's declared type (`# TYPE`) and every sample. */
export interface Exposition {
	types: Map<string, string>;
	samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format strictly enough that a malformed line fails the test. */
export function parseExposition(text: string): Exposition {
	const types = new Map<string, string>();
	const samples: Sample[] = [];
	for (const line of text.split("\n")) {
		if (line === "" || line.startsWith("# HELP ")) continue;
		const declared = /^# TYPE (\S+) (\S+)$/.exec(line);
		if (declared) {
			types.set(declared[1] ?? "", declared[2] ?? "");
			continue;
		}
		const match = SAMPLE.exec(line);
		expect(match, `not a sample line: ${line}`).not.toBeNull();
		const labels: Record<string, string> = {};
		for (const [, key = "", value = ""] of (match?.[2] ?? "").matchAll(LABEL)) {
			labels[key] = value.replace(/\\(.)/g, (_, escaped: string) => (escaped === "n" ? "\n" : escaped));
		}
		samples.push({ name: match?.[1] ?? "", labels, value: Number(match?.[3]) });
	}
	return { types, samples };
}

/**
 * The sample names a scrape can carry: each declared family, and for histograms its `_bucket`, `_sum` and
 * `_count` series, whether or not a value was recorded yet.
 */
export function exposedNames(exposition: Exposition): Set<string> {
	const names = new Set<string>();
	for (const [family, type] of exposition.types) {
		if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(family + suffix);
		else names.add(family);
	}
	return names;
}

/** The value of the one sample named `name` whose labels include `labels`, or undefined. */
export function sampleValue(
	exposition: Exposition,
	name: string,
	labels: Record<string, string> = {},
): number | undefined {
	const found = exposition.samples.filter(
		(sample) =>
			sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
	);
	expect(found.length, `${name} ${JSON.stringify(labels)} matches more than one sample`).toBeLessThanOrEqual(
		1,
	);
	return found[0]?.value;
}

/** Every sample named `name`. */
export function samplesOf(exposition: Exposition, name: string): Sample[] {
	return exposition.samples.filter((sample) => sample.name === name);
}
