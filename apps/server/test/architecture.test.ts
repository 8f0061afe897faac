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

/** A tiny tree laid out like the repository, with one type-only cycle and one forbidden type-only import. */
const FIXTURE: Record<string, string> = {
	"packages/domain/src/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b?: B }\n',
	"packages/domain/src/b.ts": 'import type { A } from "./a.ts";\nexport interface B { a?: A }\n',
	"apps/server/src/scim/context.ts": "export interface ScimContext { requestId: string }\n",
	"apps/server/src/operation-error.ts": "export class OperationError extends Error {}\n",
	"apps/server/src/users/read.ts":
		'import type { ScimContext } from "../scim/context.ts";\nexport type Reader = (context: ScimContext) => void;\n',
	"apps/server/src/users/admins.ts":
		'import { OperationError } from "../operation-error.ts";\nexport const refuse = () => new OperationError();\n',
};

let root: string;

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), "roster-architecture-"));
	for (const [path, source] of Object.entries(FIXTURE)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), source);
	}
});

afterAll(() => {
	rmSync(root, { recursive: true, force: true });
});

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
	it("reports a type-only cycle and a type-only import of an adapter, and nothing else", async () => {
		const found = await violations();
		const cycle = found.filter(({ rule }) => rule === "no-circular");
		expect(cycle).toHaveLength(1);
		expect([cycle[0]?.from, cycle[0]?.to].sort()).toEqual([
			"packages/domain/src/a.ts",
			"packages/domain/src/b.ts",
		]);
		expect(found.filter(({ rule }) => rule !== "no-circular")).toEqual([
			{
				rule: "application-imports-no-adapter",
				from: "apps/server/src/users/read.ts",
				to: "apps/server/src/scim/context.ts",
			},
		]);
	});
});
