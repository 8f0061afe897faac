import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import type { AppEnv } from "./variables.ts";

const API_PREFIX = /^\/(?:scim|trpc|api|exports|metrics|organizations\/[^/]+\/scim)(?:\/|$)/;

const NOT_BUILT = "The Roster console is not built yet: run `pnpm build`, then restart the server.\n";

/**
 * Serves the built console from an absolute directory, then `index.html` for client-side routes
 * (GET requests that accept HTML and are not API paths). Registered after every API route; when the
 * console is not built, `/` says how to build it.
 */
export function mountConsole(app: Hono<AppEnv>, consoleDir: string): void {
	const indexFile = join(consoleDir, "index.html");
	if (!existsSync(indexFile)) {
		app.get("/", (c) => c.text(NOT_BUILT));
		return;
	}
	const indexHtml = readFileSync(indexFile, "utf8");
	app.use("*", serveStatic({ root: consoleDir }));
	app.get("*", async (c, next) => {
		const acceptsHtml = c.req.header("Accept")?.includes("text/html") ?? false;
		if (API_PREFIX.test(c.req.path) || !acceptsHtml) return next();
		return c.html(indexHtml);
	});
}
