import { ScimError } from "@roster/scim";
import type { MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import {
	type RateLimiterAbstract,
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
} from "rate-limiter-flexible";
import type { ScimEnv } from "./env.ts";

/**
 * Per-token request budgets, one limiter per distinct requests-per-second setting. With Redis the budget
 * is shared by every replica; if Redis stops answering, an in-process limiter of the same size takes
 * over so throttling degrades to per-replica instead of failing requests.
 */
export class ScimRateLimits {
	readonly #limiters = new Map<number, RateLimiterAbstract>();
	readonly #redis: Redis | undefined;

	constructor(options: { redis?: Redis } = {}) {
		this.#redis = options.redis;
	}

	#limiter(requestsPerSecond: number): RateLimiterAbstract {
		let limiter = this.#limiters.get(requestsPerSecond);
		if (!limiter) {
			const shape = { points: requestsPerSecond, duration: 1, keyPrefix: `roster:scim:${requestsPerSecond}` };
			const memory = new RateLimiterMemory(shape);
			limiter = this.#redis
				? new RateLimiterRedis({ ...shape, storeClient: this.#redis, insuranceLimiter: memory })
				: memory;
			this.#limiters.set(requestsPerSecond, limiter);
		}
		return limiter;
	}

	/** Spends one request of `key`'s budget; resolves to the seconds to wait when the budget is spent. */
	async consume(key: string, requestsPerSecond: number): Promise<number | undefined> {
		try {
			await this.#limiter(requestsPerSecond).consume(key);
			return undefined;
		} catch (rejection) {
			if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
			throw rejection;
		}
	}
}

/** 429 with a SCIM error and integer `Retry-After` (Okta honours integer seconds only) once a token's budget is spent. */
export function scimRateLimit(limits: ScimRateLimits): MiddlewareHandler<ScimEnv> {
	return async function throttleScim(c, next) {
		const { token, settings } = c.get("scim");
		const retryAfter = await limits.consume(token.id, settings.rateLimit.requestsPerSecond);
		if (retryAfter !== undefined) {
			c.header("Retry-After", String(retryAfter));
			throw new ScimError(429, undefined, `Too many requests for this token; retry after ${retryAfter} s.`);
		}
		await next();
	};
}
