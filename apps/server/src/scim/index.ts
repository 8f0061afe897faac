import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import type { ScimInstruments } from "../metrics/registry.ts";
import { scimAuth } from "./auth.ts";
import { bulkRoutes } from "./bulk.routes.ts";
import { clientAddress } from "./client-ip.ts";
import { discoveryRoutes } from "./discovery.routes.ts";
import { groupsRoutes } from "./groups.routes.ts";
import { provisioningLog } from "./provisioning-log.ts";
import { scimAddressLimit, scimRateLimit } from "./rate-limit.ts";
import { scimRequestMetrics } from "./request-metrics.ts";
import type { ScimRuntime } from "./runtime.ts";
import { searchRoutes } from "./search.routes.ts";
import { usersRoutes } from "./users.routes.ts";
import type { ScimEnv } from "./variables.ts";

export { createScimRuntime, type ScimRuntime } from "./runtime.ts";

const MOUNT = "/scim/v2";

/**
 * `https://host/scim/v2` or `https://host/organizations/acme/scim/v2` from a request's URL, which is
 * already normalised (`Request.url` is an href: lower-case scheme and host, no default port, no
 * credentials), so its origin is everything before the path's first slash.
 */
function scimBase(href: string): string {
	const pathStart = href.indexOf("/", href.indexOf("//") + 2);
	return href.slice(0, href.indexOf(MOUNT, pathStart) + MOUNT.length);
}

/**
 * The SCIM 2.0 sub-app, mounted at `/scim/v2` and `/organizations/:slug/scim/v2`. Order: metrics (so
 * every answer is counted, refusals too), the client's address, provisioning log (so failures are logged
 * too), the per-address limit (before any HMAC or query), bearer auth, the per-connection limit, then the
 * routes.
 */
export function createScimApp(
	deps: AppDeps,
	runtime: ScimRuntime,
	instruments: ScimInstruments,
): Hono<ScimEnv> {
	const scim = new Hono<ScimEnv>();
	scim.use("*", scimRequestMetrics(instruments));
	scim.use("*", async function challengeUnauthenticated(c, next) {
		c.set("scimBase", scimBase(c.req.url));
		await next();
		if (c.res.status === 401) c.res.headers.set("WWW-Authenticate", 'Bearer realm="roster-scim"');
	});
	scim.use("*", clientAddress(deps.config.trustedProxies));
	scim.use("*", provisioningLog(runtime.activity));
	scim.use("*", scimAddressLimit(runtime.rateLimits));
	scim.use(
		"*",
		scimAuth({
			db: deps.db.db,
			secret: deps.config.secret,
			activity: runtime.activity,
			tokens: runtime.tokens,
		}),
	);
	scim.use("*", scimRateLimit(runtime.rateLimits));
	scim.route("/", discoveryRoutes());
	scim.route("/", usersRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route("/", groupsRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route("/", searchRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route(
		"/",
		bulkRoutes({
			db: deps.db.db,
			secret: deps.config.secret,
			logger: deps.logger,
			rateLimits: runtime.rateLimits,
		}),
	);
	return scim;
}
