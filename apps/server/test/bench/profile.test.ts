import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { framesOf, originOf, readProfile } from "../../bench/profile/cpuprofile.ts";
import { flameGraphSvg } from "../../bench/profile/flamegraph.ts";

const dir = mkdtempSync(join(tmpdir(), "roster-cpuprofile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real profile of a busy loop, written by `node --cpu-prof` as the bench's server writes its own. */
function profileOfBusyLoop(): string {
	execFileSync(process.execPath, [
		"--cpu-prof",
		"--cpu-prof-dir",
		dir,
		"-e",
		"function spin(){let x=0;for(let i=0;i<3e7;i++)x+=i%7;return x}spin()",
	]);
	const [file] = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
	if (!file) throw new Error("node wrote no .cpuprofile");
	return join(dir, file);
}

describe("bench profile tools", () => {
	it("names where code comes from: a package, Roster's module, Node, or V8", () => {
		expect(
			originOf("file:///w/node_modules/.pnpm/drizzle-orm@0.45/node_modules/drizzle-orm/sql/sql.js", "f"),
		).toBe("drizzle-orm");
		expect(
			originOf(
				"file:///w/node_modules/.pnpm/@hono+node-server@1/node_modules/@hono/node-server/dist/index.mjs",
				"f",
			),
		).toBe("@hono/node-server");
		expect(originOf("file:///w/apps/server/src/scim/auth.ts", "f")).toBe("roster:apps/server/scim");
		expect(originOf("file:///w/apps/server/dist/index.js", "f")).toBe("roster:apps/server");
		expect(originOf("node:net", "f")).toBe("node");
		expect(originOf("", "(garbage collector)")).toBe("(garbage collector)");
		expect(originOf("", "writev")).toBe("(native)");
	});

	it("reads a .cpuprofile into a tree whose totals add up to its samples, and draws it", () => {
		const { root, samples } = readProfile(profileOfBusyLoop());
		expect(root.total).toBe(samples);
		const spin = [...framesOf(root)].find((frame) => frame.name.startsWith("spin "));
		expect(spin?.self).toBeGreaterThan(0);
		const svg = flameGraphSvg(root, "busy loop");
		expect(svg).toMatch(/^<svg /);
		expect(svg).toContain("busy loop");
		expect(svg).toContain("<title>spin ");
	});
});
