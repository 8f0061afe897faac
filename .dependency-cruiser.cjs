/**
 * The import arrows of ARCHITECTURE.md, checked by `pnpm deps:check` (part of `pnpm lint`).
 * Type-only imports count (`tsPreCompilationDeps`): a type import still couples two folders and can close
 * a cycle. Tests, bench, fuzz and e2e are not cruised: only the sources under each `src/` are held to
 * the layers. Why these rules and this tool: docs/decisions/0140-application-layer-and-import-rules.md.
 */

const SERVER = "^apps/server/src/";
/** The application layer: one folder per domain; every operation on provisioning state lives here. */
const APPLICATION = `${SERVER}(users|groups|sessions|access|connections|organizations|audit|provisioning|sso|jobs|imports|events)/`;
/** The adapters: they parse, call the application layer, and render. */
const ADAPTER = {
	scim: `${SERVER}scim/`,
	api: `${SERVER}api/`,
	trpc: `${SERVER}trpc/`,
	cli: `${SERVER}cli/`,
};
const ANY_ADAPTER = Object.values(ADAPTER).join("|");
/** Plumbing shared by the adapters, and root helpers that everyone may import. */
const SHARED = `${SERVER}(http/|security/|metrics/|(logger|env|operation-error|periodic|version|failure)\\.ts$)`;
/**
 * Boot, `createApp` and `AppDeps`: the only files that wire every layer together; and `openapi/`, the
 * description of the SCIM and `/api/v1` adapters, which reads their limits and error codes.
 */
const COMPOSITION_ROOT = `${SERVER}((index|app|deps)\\.ts$|openapi/)`;
const HTTP_FRAMEWORKS = "(^|/)node_modules/(hono|@hono/[^/]+|@trpc/[^/]+)/";
const DATABASE_LIBRARIES = "(^|/)node_modules/(drizzle-orm|postgres|@electric-sql/[^/]+|ioredis|pg)/";

/** One rule per adapter: it may not import any other adapter. */
const adapterIsolation = Object.entries(ADAPTER).map(([name, path]) => ({
	name: `adapter-${name}-imports-no-other-adapter`,
	comment: `The ${name} adapter talks to the application layer, src/http/ and root helpers, never to another adapter.`,
	severity: "error",
	from: { path },
	to: {
		path: Object.entries(ADAPTER)
			.filter(([other]) => other !== name)
			.map(([, otherPath]) => otherPath)
			.join("|"),
	},
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: "no-circular",
			comment: "No import cycles in any source tree, type-only imports included.",
			severity: "error",
			from: { path: "^(apps/[^/]+/src|packages/[^/]+/src)/" },
			to: { circular: true },
		},
		{
			name: "no-unresolvable",
			comment: "An import the cruiser cannot resolve would escape every other rule.",
			severity: "error",
			from: { path: "^(apps/[^/]+/src|packages/[^/]+/src)/" },
			to: { couldNotResolve: true },
		},
		{
			name: "packages-import-no-app",
			comment: "Packages are below the apps: nothing in packages/ imports apps/.",
			severity: "error",
			from: { path: "^packages/" },
			to: { path: "^apps/" },
		},
		{
			name: "scim-package-imports-no-workspace-package",
			comment: "@roster/scim is the protocol, pure: it imports no other workspace package.",
			severity: "error",
			from: { path: "^packages/scim/" },
			to: { path: "^packages/(?!scim/)" },
		},
		{
			name: "domain-package-imports-only-scim",
			comment: "@roster/domain may import @roster/scim and nothing else of the workspace.",
			severity: "error",
			from: { path: "^packages/domain/" },
			to: { path: "^packages/(?!(domain|scim)/)" },
		},
		{
			name: "db-package-imports-only-domain",
			comment: "@roster/db may import @roster/domain (and @roster/scim through it), never the reverse.",
			severity: "error",
			from: { path: "^packages/db/" },
			to: { path: "^packages/(?!(db|domain)/)" },
		},
		{
			name: "pure-packages-import-no-framework",
			comment: "@roster/domain and @roster/scim are pure: no Hono, no tRPC.",
			severity: "error",
			from: { path: "^packages/(domain|scim)/" },
			to: { path: HTTP_FRAMEWORKS },
		},
		{
			name: "pure-packages-import-no-database",
			comment:
				"@roster/domain and @roster/scim import no database driver nor drizzle. One exception: " +
				"@roster/scim's filter compiler (filter/sql.ts) emits drizzle `sql` fragments, which is its job.",
			severity: "error",
			from: { path: "^packages/(domain|scim)/", pathNot: "^packages/scim/src/filter/sql\\.ts$" },
			to: { path: DATABASE_LIBRARIES },
		},
		{
			name: "scim-filter-compiler-imports-only-the-query-builder",
			comment: "filter/sql.ts may use drizzle-orm's query builder, never a driver.",
			severity: "error",
			from: { path: "^packages/scim/src/filter/sql\\.ts$" },
			to: { path: DATABASE_LIBRARIES, pathNot: "(^|/)node_modules/drizzle-orm/" },
		},
		{
			name: "application-imports-no-adapter",
			comment: "The application layer never imports an adapter (scim/, api/, trpc/, cli) nor src/http/.",
			severity: "error",
			from: { path: APPLICATION },
			to: { path: `${ANY_ADAPTER}|${SERVER}http/` },
		},
		{
			name: "application-imports-no-framework",
			comment: "The application layer knows no HTTP framework: no Hono, no tRPC.",
			severity: "error",
			from: { path: APPLICATION },
			to: { path: HTTP_FRAMEWORKS },
		},
		{
			name: "server-file-belongs-to-a-layer",
			comment:
				"Every server source file is an adapter, application, shared or composition-root file; a new folder " +
				"is added to a layer here (and in ARCHITECTURE.md) before it can import anything.",
			severity: "error",
			from: { path: SERVER, pathNot: [APPLICATION, ANY_ADAPTER, SHARED, COMPOSITION_ROOT] },
			to: {},
		},
		...adapterIsolation,
		{
			name: "shared-imports-no-adapter-nor-application",
			comment:
				"src/http/, security/, metrics/ and the root helpers sit below the adapters and the application layer; " +
				"only the composition roots (app.ts, index.ts, deps.ts) import both.",
			severity: "error",
			from: { path: SHARED },
			to: { path: `${ANY_ADAPTER}|${APPLICATION}` },
		},
		{
			name: "console-imports-no-server-code",
			comment: "The console imports only the AppRouter type from the server (trpc/root.ts), never its code.",
			severity: "error",
			from: { path: "^apps/console/" },
			to: { path: "^(apps/server/(?!src/trpc/root\\.ts$)|packages/db/)" },
		},
		{
			name: "console-imports-the-router-as-a-type",
			comment: "`import type { AppRouter }` only: a value import would bundle server code into the SPA.",
			severity: "error",
			from: { path: "^apps/console/" },
			to: { path: "^apps/server/src/trpc/root\\.ts$", dependencyTypesNot: ["type-only"] },
		},
	],
	options: {
		tsPreCompilationDeps: true,
		tsConfig: { fileName: "tsconfig.base.json" },
		doNotFollow: { path: "node_modules" },
		exclude: { path: "(^|/)(test|bench|fuzz|dist)/" },
		enhancedResolveOptions: {
			exportsFields: ["exports"],
			conditionNames: ["import", "types", "node", "default"],
			mainFields: ["module", "main", "types"],
			extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
		},
		skipAnalysisNotInRules: true,
		cache: false,
	},
};
