import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { appKeyAuth } from "./auth.ts";
import { apiNotFound, handleApiError } from "./errors.ts";
import { eventsRoutes } from "./events.routes.ts";
import { sessionsRoutes } from "./sessions.routes.ts";
import { usersRoutes } from "./users.routes.ts";
import type { ApiEnv } from "./variables.ts";

/**
 * The access API for host applications, mounted at `/api/v1`: every route needs an application key
 * and sees only the key's organization. Answers are authorization decisions, so none may be cached.
 */
export function createApiApp(deps: Pick<AppDeps, "db" | "config">): Hono<ApiEnv> {
	const api = new Hono<ApiEnv>();
	api.onError(handleApiError);
	api.use("*", async function neverCache(c, next) {
		await next();
		c.res.headers.set("Cache-Control", "no-store");
		if (c.res.status === 401) c.res.headers.set("WWW-Authenticate", 'Bearer realm="roster-api"');
	});
	api.use("*", appKeyAuth({ db: deps.db, secret: deps.config.secret }));
	api.route("/", usersRoutes({ db: deps.db.db }));
	api.route("/", sessionsRoutes({ db: deps.db.db, secret: deps.config.secret }));
	api.route("/", eventsRoutes({ db: deps.db.db }));
	api.all("*", apiNotFound);
	return api;
}
