import { Hono } from "hono";
import { Redis } from "ioredis";
import type { AppDeps } from "../app-env.ts";
import { ActivityRecorder } from "./activity.ts";
import { scimAuth } from "./auth.ts";
import { bulkRoutes } from "./bulk.routes.ts";
import { discoveryRoutes } from "./discovery.routes.ts";
import type { ScimEnv } from "./env.ts";
import { groupsRoutes } from "./groups.routes.ts";
import { provisioningLog } from "./provisioning-log.ts";
import { ScimRateLimits, scimRateLimit } from "./rate-limit.ts";
import { searchRoutes } from "./search.routes.ts";
import { usersRoutes } from "./users.routes.ts";

const MOUNT = "/scim/v2";

/** What the SCIM API keeps across requests; boot owns it so shutdown can flush and close it. */
export interface ScimRuntime {
	activity: ActivityRecorder;
	rateLimits: ScimRateLimits;
	/** Flushes buffered activity and disconnects from Redis. */
	close(): Promise<void>;
}

/**
 * With `redisUrl`, rate-limit budgets live in Redis and are shared by every replica; without it they are
 * per process. Redis commands fail fast instead of queueing, so an outage falls back to in-process limits.
 */
export function createScimRuntime(
	deps: Pick<AppDeps, "db" | "logger"> & { redisUrl?: string | undefined },
): ScimRuntime {
	const redis = deps.redisUrl
		? new Redis(deps.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 })
		: undefined;
	redis?.on("error", (error: Error) =>
		deps.logger.warn({ err: error }, "redis unavailable; rate limits are per process"),
	);
	const activity = new ActivityRecorder({ db: deps.db.db, logger: deps.logger });
	return {
		activity,
		rateLimits: new ScimRateLimits(redis ? { redis } : {}),
		async close() {
			await activity.close();
			if (redis) await redis.quit().catch(() => redis.disconnect());
		},
	};
}

/**
 * The SCIM 2.0 sub-app, mounted at `/scim/v2` and `/organizations/:slug/scim/v2`. Order: provisioning
 * log (outermost, so failures are logged too), bearer auth, per-token rate limit, then the routes.
 */
export function createScimApp(deps: AppDeps, runtime: ScimRuntime = createScimRuntime(deps)): Hono<ScimEnv> {
	const scim = new Hono<ScimEnv>();
	scim.use("*", async function challengeUnauthenticated(c, next) {
		const url = new URL(c.req.url);
		c.set("scimBase", `${url.origin}${url.pathname.slice(0, url.pathname.indexOf(MOUNT) + MOUNT.length)}`);
		await next();
		if (c.res.status === 401) c.res.headers.set("WWW-Authenticate", 'Bearer realm="roster-scim"');
	});
	scim.use("*", provisioningLog(runtime.activity));
	scim.use("*", scimAuth({ db: deps.db.db, secret: deps.config.secret, activity: runtime.activity }));
	scim.use("*", scimRateLimit(runtime.rateLimits));
	scim.route("/", discoveryRoutes());
	scim.route("/", usersRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route("/", groupsRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route("/", searchRoutes({ db: deps.db.db, secret: deps.config.secret }));
	scim.route("/", bulkRoutes({ db: deps.db.db, secret: deps.config.secret, logger: deps.logger }));
	return scim;
}
