import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
	documentedVariables,
	REPO_ROOT,
	readCompose,
	readDockerfile,
	readmeDockerSection,
	type Stage,
} from "./image-files.ts";

const HEALTH_PATHS = /\/(healthz|readyz)\b/;
const stages = readDockerfile();
const runtime = stages.at(-1) as Stage;
const compose = readCompose();
const roster = compose.services.roster ?? {};

/** Every `${NAME:?…}` (required) interpolation in compose.yaml. */
function requiredVariables(): string[] {
	const text = readFileSync(join(REPO_ROOT, "compose.yaml"), "utf8");
	return [...new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1] ?? ""))];
}

describe("Dockerfile", () => {
	it("is multi-stage on official images pinned by tag, the runtime on Node 20 like CI", () => {
		expect(stages.length).toBeGreaterThanOrEqual(2);
		for (const stage of stages) {
			expect(stage.tag, stage.image).toMatch(/^\d/);
		}
		expect(runtime.image).toBe("node");
		expect(runtime.tag).toMatch(/^20\./);
	});

	it("installs the pnpm that package.json pins, from the lockfile", () => {
		const { packageManager } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
			packageManager: string;
		};
		const build = stages.slice(0, -1).flatMap((stage) => stage.instructions.map((step) => step.text));
		expect(build.some((text) => text.includes(packageManager))).toBe(true);
		expect(build.some((text) => /pnpm install --frozen-lockfile/.test(text))).toBe(true);
		expect(build.some((text) => /pnpm build\b/.test(text))).toBe(true);
	});

	it("runs the final stage as a non-root user", () => {
		expect(runtime.user).not.toBeNull();
		expect(["root", "0"]).not.toContain(runtime.user?.split(":")[0]);
	});

	it("starts the compiled bundle with plain node: no tsx, pnpm or npm at run time", () => {
		expect(runtime.cmd?.[0]).toBe("node");
		expect(runtime.cmd?.[1]).toMatch(/dist\/index\.js$/);
		expect(runtime.instructions.some((step) => step.keyword === "ENTRYPOINT")).toBe(false);
		for (const step of runtime.instructions.filter((s) =>
			["RUN", "CMD", "HEALTHCHECK"].includes(s.keyword),
		)) {
			expect(step.text).not.toMatch(/\b(tsx|pnpm|npm|npx|corepack)\b/);
		}
		expect(runtime.copies.every((copy) => copy.from !== null)).toBe(true);
	});

	it("checks health with node on a documented health endpoint at the configured port", () => {
		expect(runtime.healthcheck?.[0]).toBe("node");
		const script = runtime.healthcheck?.join(" ") ?? "";
		expect(script).toMatch(HEALTH_PATHS);
		expect(script).toMatch(/process\.env\.PORT/);
	});

	it("sets only documented variables, listens on all interfaces and exposes its PORT", () => {
		const documented = documentedVariables();
		for (const name of Object.keys(runtime.env)) expect(documented, name).toContain(name);
		expect(runtime.env.HOST).toBe("0.0.0.0");
		expect(runtime.env.NODE_ENV).toBe("production");
		expect(runtime.exposed).toEqual([runtime.env.PORT]);
	});

	it("keeps dependencies, builds and the data directory out of the build context", () => {
		const ignored = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8").split("\n");
		for (const entry of ["**/node_modules", "**/dist", ".roster", ".git", ".env"])
			expect(ignored).toContain(entry);
	});
});

describe("compose.yaml", () => {
	it("runs Roster from this Dockerfile with PostgreSQL and Redis on pinned official images", () => {
		expect(Object.keys(compose.services).sort()).toEqual(["postgres", "redis", "roster"]);
		expect(roster.build).toBe(".");
		expect(compose.services.postgres?.image).toMatch(/^postgres:1[5-9]\.\d+/);
		expect(compose.services.redis?.image).toMatch(/^redis:7\.\d+/);
	});

	it("starts Roster once PostgreSQL and Redis are healthy", () => {
		expect(roster.depends_on).toEqual({
			postgres: { condition: "service_healthy" },
			redis: { condition: "service_healthy" },
		});
		expect(JSON.stringify(compose.services.postgres?.healthcheck?.test)).toMatch(/pg_isready/);
		expect(JSON.stringify(compose.services.redis?.healthcheck?.test)).toMatch(/redis-cli.*ping/);
	});

	it("keeps PostgreSQL's data in a named volume", () => {
		const [volume] = compose.services.postgres?.volumes ?? [];
		const [name, path] = (volume ?? "").split(":");
		expect(path).toBe("/var/lib/postgresql/data");
		expect(Object.keys(compose.volumes ?? {})).toContain(name);
	});

	it("configures Roster with documented variables only, on the services' own host names", () => {
		const env = roster.environment ?? {};
		const documented = documentedVariables();
		for (const name of Object.keys(env)) expect(documented, name).toContain(name);
		expect(env.NODE_ENV).toBe("production");
		expect(env.HOST).toBe("0.0.0.0");
		expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
		expect(env.REDIS_URL).toMatch(/^redis:\/\/redis:6379$/);
	});

	it("publishes the port Roster listens on", () => {
		const published = (roster.ports ?? []).map((mapping) => mapping.split(":").at(-1));
		expect(published).toEqual([roster.environment?.PORT]);
	});

	it("commits no secret: secrets are required variables, and the README names each one", () => {
		const env = roster.environment ?? {};
		expect(env.ROSTER_SECRET).toMatch(/^\$\{ROSTER_SECRET:\?/);
		expect(compose.services.postgres?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
		expect(env.DATABASE_URL).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
		const section = readmeDockerSection();
		expect(section).toMatch(/docker compose up/);
		expect(requiredVariables().sort()).toEqual(["POSTGRES_PASSWORD", "ROSTER_SECRET"]);
		for (const name of requiredVariables()) expect(section).toContain(name);
	});
});
