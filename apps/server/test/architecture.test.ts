import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type IConfiguration, type ICruiseResult } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The rules `pnpm lint` enforces, read from the repository root's config. */
const config: IConfiguration = createRequire(import.meta.url)(
	join(dirname(fileURLToPath(import.meta.url)), "../../../.dependency-cruiser.cjs"),
);

/** A tiny tree laid out like the repository: one file per rule breaks it, the rest import what they may. */
const FIXTURE: Record<string, string> = {
	"node_modules/hono/package.json": '{ "name": "hono", "main": "index.js" }',
	"node_modules/hono/index.js": "export const Hono = class {};\n",
	"node_modules/drizzle-orm/package.json": '{ "name": "drizzle-orm", "main": "index.js" }',
	"node_modules/drizzle-orm/index.js": "export const sql = () => undefined;\n",
	"node_modules/postgres/package.json": '{ "name": "postgres", "main": "index.js" }',
	"node_modules/postgres/index.js": "export default () => undefined;\n",
	"packages/scim/src/filter/sql.ts":
		'import { sql } from "drizzle-orm";\nimport postgres from "postgres";\nexport const compile = [sql, postgres];\n',
	"packages/scim/src/http.ts": 'import { Hono } from "hono";\nexport const app = new Hono();\n',
	"packages/domain/src/store.ts":
		'import { refusal } from "../../db/src/refusal.ts";\nexport const store = refusal;\n',
	"packages/db/src/rules.ts":
		'import type { Rule } from "../../scim/src/rules.ts";\nexport type Stored = Rule;\n',
	"apps/server/src/scim/router.ts":
		'import type { AppRouter } from "../trpc/root.ts";\nexport type Router = AppRouter;\n',
	"apps/server/src/trpc/context.ts":
		'import type { ScimContext } from "../scim/context.ts";\nexport type Context = ScimContext;\n',
	"apps/server/src/cli/users.ts": 'import type { Api } from "../api/users.ts";\nexport type Command = Api;\n',
	"packages/domain/src/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b?: B }\n',
	"packages/domain/src/b.ts": 'import type { A } from "./a.ts";\nexport interface B { a?: A }\n',
	"packages/domain/src/query.ts": 'import { sql } from "drizzle-orm";\nexport const query = sql;\n',
	"packages/scim/src/rules.ts": 'import type { A } from "../../domain/src/a.ts";\nexport type Rule = A;\n',
	"packages/db/src/refusal.ts":
		'import { OperationError } from "../../../apps/server/src/operation-error.ts";\nexport const refusal = OperationError;\n',
	"apps/server/src/operation-error.ts": "export class OperationError extends Error {}\n",
	"apps/server/src/scim/context.ts": "export interface ScimContext { requestId: string }\n",
	"apps/server/src/trpc/root.ts":
		"export type AppRouter = { users: unknown };\nexport const appRouter = {};\n",
	"apps/server/src/users/admins.ts":
		'import { OperationError } from "../operation-error.ts";\nexport const refuse = () => new OperationError();\n',
	"apps/server/src/users/read.ts":
		'import type { ScimContext } from "../scim/context.ts";\nexport type Reader = (context: ScimContext) => void;\n',
	"apps/server/src/users/routes.ts": 'import { Hono } from "hono";\nexport const routes = new Hono();\n',
	"apps/server/src/users/broken.ts": 'import { gone } from "./missing.ts";\nexport const broken = gone;\n',
	"apps/server/src/api/users.ts":
		'import type { ScimContext } from "../scim/context.ts";\nexport type Api = ScimContext;\n',
	"apps/server/src/http/admins.ts":
		'import { refuse } from "../users/admins.ts";\nexport const deny = refuse;\n',
	"apps/server/src/misc/helper.ts":
		'import { OperationError } from "../operation-error.ts";\nexport const e = OperationError;\n',
	"apps/server/src/app.ts":
		'import type { ScimContext } from "./scim/context.ts";\nimport { refuse } from "./users/admins.ts";\nexport const app = (c: ScimContext) => [c, refuse];\n',
	"apps/console/src/trpc.ts":
		'import type { AppRouter } from "../../server/src/trpc/root.ts";\nexport type Router = AppRouter;\n',
	"apps/console/src/router.ts":
		'import { appRouter } from "../../server/src/trpc/root.ts";\nexport const router = appRouter;\n',
	"apps/console/src/admins.ts":
		'import type { refuse } from "../../server/src/users/admins.ts";\nexport type Refuse = typeof refuse;\n',
};

/** What the check must report on FIXTURE, besides the a ↔ b cycle; the files not named here pass. */
const EXPECTED = (
	[
		[
			"scim-filter-compiler-imports-only-the-query-builder",
			"packages/scim/src/filter/sql.ts",
			"node_modules/postgres/index.js",
		],
		["pure-packages-import-no-framework", "packages/scim/src/http.ts", "node_modules/hono/index.js"],
		["domain-package-imports-only-scim", "packages/domain/src/store.ts", "packages/db/src/refusal.ts"],
		["db-package-imports-only-domain", "packages/db/src/rules.ts", "packages/scim/src/rules.ts"],
		[
			"adapter-scim-imports-no-other-adapter",
			"apps/server/src/scim/router.ts",
			"apps/server/src/trpc/root.ts",
		],
		[
			"adapter-trpc-imports-no-other-adapter",
			"apps/server/src/trpc/context.ts",
			"apps/server/src/scim/context.ts",
		],
		["adapter-cli-imports-no-other-adapter", "apps/server/src/cli/users.ts", "apps/server/src/api/users.ts"],
		["pure-packages-import-no-database", "packages/domain/src/query.ts", "node_modules/drizzle-orm/index.js"],
		["scim-package-imports-no-workspace-package", "packages/scim/src/rules.ts", "packages/domain/src/a.ts"],
		["packages-import-no-app", "packages/db/src/refusal.ts", "apps/server/src/operation-error.ts"],
		["application-imports-no-adapter", "apps/server/src/users/read.ts", "apps/server/src/scim/context.ts"],
		["application-imports-no-framework", "apps/server/src/users/routes.ts", "node_modules/hono/index.js"],
		["no-unresolvable", "apps/server/src/users/broken.ts", "./missing.ts"],
		[
			"adapter-api-imports-no-other-adapter",
			"apps/server/src/api/users.ts",
			"apps/server/src/scim/context.ts",
		],
		[
			"shared-imports-no-adapter-nor-application",
			"apps/server/src/http/admins.ts",
			"apps/server/src/users/admins.ts",
		],
		[
			"server-file-belongs-to-a-layer",
			"apps/server/src/misc/helper.ts",
			"apps/server/src/operation-error.ts",
		],
		["console-imports-the-router-as-a-type", "apps/console/src/router.ts", "apps/server/src/trpc/root.ts"],
		["console-imports-no-server-code", "apps/console/src/admins.ts", "apps/server/src/users/admins.ts"],
	] satisfies [string, string, string][]
).map(([rule, from, to]) => ({ rule, from, to }));

let root: string;
let found: { rule: string; from: string; to: string }[];

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), "roster-architecture-"));
	for (const [path, source] of Object.entries(FIXTURE)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), source);
	}
	found = await violations();
});

afterAll(() => {
	rmSync(root, { recursive: true, force: true });
});

/** Cruises the fixture with the repository's rules, type-only imports included as in `pnpm deps:check`. */
async function violations() {
	const { output } = await cruise(["apps", "packages"], {
		baseDir: root,
		validate: true,
		ruleSet: { forbidden: config.forbidden ?? [] },
		tsPreCompilationDeps: true,
		doNotFollow: { path: "node_modules" },
	});
	return (output as ICruiseResult).summary.violations.map(({ rule, from, to }) => ({
		rule: rule.name,
		from,
		to,
	}));
}

describe("the import check", () => {
	it("reports a type-only cycle", () => {
		const cycle = found.filter(({ rule }) => rule === "no-circular");
		expect(cycle).toHaveLength(1);
		expect([cycle[0]?.from, cycle[0]?.to].sort()).toEqual([
			"packages/domain/src/a.ts",
			"packages/domain/src/b.ts",
		]);
	});

	it("reports each forbidden import, type-only ones included, and nothing else", () => {
		const others = found.filter(({ rule }) => rule !== "no-circular");
		const order = (list: typeof found) => [...list].sort((x, y) => x.from.localeCompare(y.from));
		expect(order(others)).toEqual(order(EXPECTED));
	});

	it("exercises every rule of the config, so a new rule comes with its fixture", () => {
		const rules = (config.forbidden ?? []).map(({ name }) => name);
		expect(new Set(found.map(({ rule }) => rule))).toEqual(new Set(rules));
	});
});
