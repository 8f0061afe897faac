import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const SERVER_DIR = dirname(fileURLToPath(import.meta.url));
const ENTRY_POINTS = { index: "src/index.ts", cli: "src/cli/main.ts" };
const WORKSPACE_SCOPE = "@roster/";

/** `name` of a bare import: `pino` for `pino/file`, `@hono/node-server` for `@hono/node-server/serve-static`. */
function packageName(specifier: string): string {
	const parts = specifier.split("/");
	return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/**
 * Leaves every third-party package to Node's resolver at run time (native `@node-rs/argon2`, PGlite's
 * wasm and data files, postgres, pino…) and bundles Roster's own workspace packages, which export `.ts`
 * sources. An external must be a runtime dependency of `@roster/server`, or the built server would only
 * find it through a sibling package's `node_modules`: the build fails naming it instead.
 */
function externalThirdParty(runtimeDependencies: ReadonlySet<string>): Plugin {
	return {
		name: "roster-external-third-party",
		setup(pluginBuild) {
			pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
				if (args.path.startsWith("node:") || args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
				const name = packageName(args.path);
				if (!runtimeDependencies.has(name)) {
					return {
						errors: [
							{ text: `${name} is imported by ${args.importer} but is not a dependency of @roster/server` },
						],
					};
				}
				return { path: args.path, external: true };
			});
		},
	};
}

/**
 * Keeps `import.meta.url` meaning the source module's own location once bundled: each workspace module
 * that reads it gets its source file's URL, expressed relative to the bundle. Files found next to the
 * sources (the migrations of `@roster/db`, the console's `dist/`) are then found from `dist/` as from
 * `src/`, for as long as `dist/` sits in the repository layout.
 */
function sourceImportMetaUrl(outdir: string): Plugin {
	return {
		name: "roster-source-import-meta-url",
		setup(pluginBuild) {
			pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
				if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
				const source = await readFile(args.path, "utf8");
				if (!source.includes("import.meta.url")) return undefined;
				const fromBundle = relative(outdir, args.path).split(sep).join("/");
				const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
				return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
			});
		},
	};
}

/**
 * Bundles the server (`dist/index.js`) and the operator CLI (`dist/cli.js`) as ESM for Node 20, with
 * source maps, into `outdir` (default `apps/server/dist`). `outdir` must lie inside `apps/server` so the
 * external packages resolve from `apps/server/node_modules`.
 */
export async function buildServer(options: { outdir?: string } = {}): Promise<{ outdir: string }> {
	const outdir = options.outdir ?? join(SERVER_DIR, "dist");
	if (!isAbsolute(outdir) || relative(SERVER_DIR, outdir).startsWith("..")) {
		throw new Error(`The build's outdir must be an absolute path inside ${SERVER_DIR}: ${outdir}`);
	}
	const manifest = JSON.parse(readFileSync(join(SERVER_DIR, "package.json"), "utf8")) as {
		dependencies: Record<string, string>;
	};
	const runtimeDependencies = new Set(Object.keys(manifest.dependencies));
	await build({
		absWorkingDir: SERVER_DIR,
		entryPoints: ENTRY_POINTS,
		outdir,
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node20",
		sourcemap: true,
		logLevel: "warning",
		plugins: [externalThirdParty(runtimeDependencies), sourceImportMetaUrl(outdir)],
	});
	return { outdir };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const started = Date.now();
	const { outdir } = await buildServer();
	process.stderr.write(`built ${relative(process.cwd(), outdir) || "."} in ${Date.now() - started} ms\n`);
}
