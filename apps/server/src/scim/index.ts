import { Hono } from "hono";
import { Redis } from "ioredis";
import type { AppDeps } from "../app-env.ts";
import { ActivityRecorder } from "./activity.ts";
import { scimAuth } from "./auth.ts";
import { bulkRoutes } from "./bulk.routes.ts";
import { clientAddress } from "./client-ip.ts";
import { discoveryRoutes } from "./discovery.routes.ts";
import type { ScimEnv } from "./env.ts";
import { groupsRoutes } from "./groups.routes.ts";
import { provisioningLog } from "./provisioning-log.ts";
import { type AddressBudgets, ScimRateLimits, scimAddressLimit, scimRateLimit } from "./rate-limit.ts";
import { searchRoutes } from "./search.routes.ts";
import { usersRoutes } from "./users.routes.ts";

const MOUNT = "/scim/v2";

/** How long a Redis command may take before the rate limits fall back to in-process ones. */
const REDIS_COMMAND_TIMEOUT_MS = 200;

/** What the SCIM API keeps across requests; boot owns it so shutdown can flush and close it. */
export interface ScimRuntime {
	activity: ActivityRecorder;
	rateLimits: ScimRateLimits;
	/** Flushes buffered activity and disconnects from Redis. */
	close(): Promise<void>;
}

/**
 * With `redisUrl`, rate-limit budgets live in Redis and are shared by every replica; without it they are
 * per process. Redis commands fail fast instead of queueing while disconnected, and time out after
 * 200 ms when Redis is connected but not answering, so an outage or a stall falls back to in-process
 * limits instead of holding requests. `addressBudgets` overrides the per-address budgets (tests).
 */
export function createScimRuntime(
	deps: Pick<AppDeps, "db" | "logger"> & {
		redisUrl?: string | undefined;
		addressBudgets?: Partial<AddressBudgets>;
	},
): ScimRuntime {
	const redis = deps.redisUrl
		? new Redis(deps.redisUrl, {
				enableOfflineQueue: false,
				maxRetriesPerRequest: 1,
				connectTimeout: 2000,
				commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
			})
		: undefined;
	redis?.on("error", (error: Error) =>
		deps.logger.warn({ err: error }, "redis unavailable; rate limits are per process"),
	);
	const activity = new ActivityRecorder({ db: deps.db.db, logger: deps.logger });
	return {
		activity,
		rateLimits: new ScimRateLimits({ redis, budgets: deps.addressBudgets }),
		async close() {
			await activity.close();
			if (redis) await redis.quit().catch(() => redis.disconnect());
		},
	};
}

/**
 * The SCIM 2.0 sub-app, mounted at `/scim/v2` and `/organizations/:slug/scim/v2`. Order: the client's
 * address, provisioning log (so failures are logged too), the per-address limit (before any HMAC or
 * query), bearer auth, the per-connection limit, then the routes.
 */
export function createScimApp(deps: AppDeps, runtime: ScimRuntime = createScimRuntime(deps)): Hono<ScimEnv> {
	const scim = new Hono<ScimEnv>();
	scim.use("*", async function challengeUnauthenticated(c, next) {
		const url = new URL(c.req.url);
		c.set("scimBase", `${url.origin}${url.pathname.slice(0, url.pathname.indexOf(MOUNT) + MOUNT.length)}`);
		await next();
		if (c.res.status === 401) c.res.headers.set("WWW-Authenticate", 'Bearer realm="roster-scim"');
	});
	scim.use("*", clientAddress(deps.config.trustedProxies));
	scim.use("*", provisioningLog(runtime.activity));
	scim.use("*", scimAddressLimit(runtime.rateLimits));
	scim.use("*", scimAuth({ db: deps.db.db, secret: deps.config.secret, activity: runtime.activity }));
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
