import { fileURLToPath } from "node:url";
import { trpcServer } from "@hono/trpc-server";
import { Hono } from "hono";
import { createApiApp } from "./api/index.ts";
import { type AppDeps, metricsOf } from "./deps.ts";
import { mountConsole } from "./http/console.ts";
import { handleError, handleNotFound } from "./http/errors.ts";
import { requestId } from "./http/request-id.ts";
import { requestLog } from "./http/request-log.ts";
import type { AppEnv } from "./http/variables.ts";
import { protectedMetrics } from "./metrics/endpoint.ts";
import { openApiRoutes } from "./openapi/routes.ts";
import { createScimApp, createScimRuntime } from "./scim/index.ts";
import { getScimRoutingPath } from "./scim/paths.ts";
import { trpcContextFactory } from "./trpc/context.ts";
import { createExportsApp } from "./trpc/exports.ts";
import { appRouter } from "./trpc/root.ts";
import { createSsoApp } from "./trpc/sso-routes.ts";
import type { TrpcContext } from "./trpc/trpc.ts";

export type { AppDeps } from "./deps.ts";
export type { AppEnv } from "./http/variables.ts";

const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../console/dist", import.meta.url));

/**
 * Builds the whole HTTP surface from its dependencies without listening, so tests drive it with
 * `app.request()` and boot only adds `serve`. Order matters: API routes, then static console files,
 * then the client-side route fallback. Without `deps.scim` or `deps.metrics` the app makes its own.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
	const scimRuntime = deps.config.scimEnabled ? (deps.scim ?? createScimRuntime(deps)) : undefined;
	const metrics = deps.metrics ?? metricsOf(deps.db, scimRuntime, deps.logger);
	const app = new Hono<AppEnv>({ getPath: getScimRoutingPath });
	app.use("*", requestId());
	app.use("*", requestLog({ logger: deps.logger }));
	app.onError(handleError);
	app.notFound(handleNotFound);

	app.get("/healthz", (c) => c.json({ status: "ok" }));
	app.get("/readyz", async (c) => {
		try {
			await deps.db.ping();
			return c.json({ status: "ready" });
		} catch (error) {
			c.get("logger").warn({ err: error }, "database not ready");
			return c.json({ status: "unavailable" }, 503);
		}
	});

	if (deps.config.metricsToken !== undefined) {
		app.get(
			"/metrics",
			protectedMetrics({
				registry: metrics.registry,
				token: deps.config.metricsToken,
				secret: deps.config.secret,
			}),
		);
	}

	const createTrpcContext = trpcContextFactory(deps, async (request) => app.request(request));
	app.use(
		"/trpc/*",
		trpcServer({
			endpoint: "/trpc",
			router: appRouter,
			createContext: (opts, c): Promise<TrpcContext> => createTrpcContext(opts, c),
		}),
	);

	app.route("/exports", createExportsApp(deps));
	app.route("/auth/sso", createSsoApp(deps));
	app.route("/api/v1", createApiApp(deps));
	app.route("/", openApiRoutes({ scimEnabled: deps.config.scimEnabled }));

	if (scimRuntime) {
		const scim = createScimApp(deps, scimRuntime, metrics.scim);
		app.route("/scim/v2", scim);
		app.route("/organizations/:slug/scim/v2", scim);
	}

	mountConsole(app, deps.consoleDir ?? DEFAULT_CONSOLE_DIR);
	return app;
}
