import { CREDENTIALS_CHANNEL, changeFeed, type DatabaseHandle } from "@roster/db";
import { Redis } from "ioredis";
import { ActivityRecorder } from "../audit/activity-recorder.ts";
import { CredentialCache } from "../connections/credential-cache.ts";
import type { ScimTokenCache } from "../connections/scim-tokens.ts";
import type { Logger } from "../logger.ts";
import { type AddressBudgets, ScimRateLimits } from "./rate-limit.ts";

/** How long a Redis command may take before the rate limits fall back to in-process ones. */
const REDIS_COMMAND_TIMEOUT_MS = 200;

/** What the SCIM API keeps across requests; boot owns it so shutdown can flush and close it. */
export interface ScimRuntime {
	activity: ActivityRecorder;
	rateLimits: ScimRateLimits;
	/** Resolved bearer tokens, used only while the credential listener is connected. */
	tokens: ScimTokenCache;
	/** Flushes buffered activity, stops listening for credential changes and disconnects from Redis. */
	close(): Promise<void>;
}

/**
 * With `redisUrl`, rate-limit budgets live in Redis and are shared by every replica; without it they are
 * per process. Redis commands fail fast instead of queueing while disconnected, and time out after
 * 200 ms when Redis is connected but not answering, so an outage or a stall falls back to in-process
 * limits instead of holding requests. `addressBudgets` overrides the per-address budgets and
 * `logFlushIntervalMs` the provisioning log's write interval (tests).
 * Bearer tokens are cached while the handle's credential feed (LISTEN, its own connection on
 * PostgreSQL) is connected; the feed starts here and stops with `close()` or with the database.
 */
export function createScimRuntime(deps: {
	db: DatabaseHandle;
	logger: Logger;
	redisUrl?: string | undefined;
	addressBudgets?: Partial<AddressBudgets>;
	logFlushIntervalMs?: number;
}): ScimRuntime {
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
	const activity = new ActivityRecorder({
		db: deps.db.db,
		logger: deps.logger,
		flushIntervalMs: deps.logFlushIntervalMs,
	});
	const tokens: ScimTokenCache = new CredentialCache(changeFeed(deps.db, CREDENTIALS_CHANNEL));
	return {
		activity,
		rateLimits: new ScimRateLimits({ redis, budgets: deps.addressBudgets }),
		tokens,
		async close() {
			tokens.close();
			await activity.close();
			if (redis) await redis.quit().catch(() => redis.disconnect());
		},
	};
}
