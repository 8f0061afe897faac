import { isIP } from "node:net";
import { ScimError } from "@roster/scim";
import type { Context, MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import {
	type RateLimiterAbstract,
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
} from "rate-limiter-flexible";
import { clientIp } from "./client-ip.ts";
import type { ScimEnv } from "./variables.ts";

/**
 * The budgets of one client address, checked before authentication (docs/decisions/0130). The request
 * budget is far above what the IdPs sharing a cloud address send together; the failure budget is what
 * stops a flood of bad tokens, each of which would otherwise cost an HMAC and a token query. A
 * connection's own budget is its `rateLimit.requestsPerSecond` setting.
 */
export const SCIM_ADDRESS_BUDGETS = {
	/** Requests per second from one address, whatever their tokens. */
	requestsPerSecond: 10_000,
	/** Failed authentications an address may cause per window; beyond it, its requests get 429 unread. */
	failedAuthentications: 30,
	failedAuthenticationWindowSeconds: 60,
} as const;

export type AddressBudgets = { [K in keyof typeof SCIM_ADDRESS_BUDGETS]: number };

/** The budgets that refuse requests, by the name `/metrics` counts their refusals under. */
type ScimLimiter = "address" | "address-failures" | "connection";

/** Whole seconds to wait, at least 1: Okta honours integer `Retry-After` values only. */
function retryAfterSeconds(msBeforeNext: number): number {
	return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * Every SCIM budget: per client address before authentication, per connection (across all its tokens)
 * after it. With Redis the budgets are shared by every replica; when Redis fails or stops answering
 * (commands time out, see `createScimRuntime`), an in-process limiter of the same size takes over, so
 * throttling degrades to per-replica instead of failing or stalling requests.
 */
export class ScimRateLimits {
	readonly #limiters = new Map<string, RateLimiterAbstract>();
	readonly #redis: Redis | undefined;
	readonly #budgets: AddressBudgets;
	readonly #refusals: Record<ScimLimiter, number> = { address: 0, "address-failures": 0, connection: 0 };

	constructor(options: { redis?: Redis | undefined; budgets?: Partial<AddressBudgets> | undefined } = {}) {
		this.#redis = options.redis;
		this.#budgets = { ...SCIM_ADDRESS_BUDGETS, ...options.budgets };
	}

	#limiter(name: string, points: number, duration: number): RateLimiterAbstract {
		const keyPrefix = `roster:scim:${name}:${points}/${duration}`;
		let limiter = this.#limiters.get(keyPrefix);
		if (!limiter) {
			const shape = { points, duration, keyPrefix };
			const memory = new RateLimiterMemory(shape);
			limiter = this.#redis
				? new RateLimiterRedis({ ...shape, storeClient: this.#redis, insuranceLimiter: memory })
				: memory;
			this.#limiters.set(keyPrefix, limiter);
		}
		return limiter;
	}

	/** Requests this process refused, per limiter, since it started. */
	refusals(): Readonly<Record<ScimLimiter, number>> {
		return this.#refusals;
	}

	#failures(): RateLimiterAbstract {
		const { failedAuthentications, failedAuthenticationWindowSeconds } = this.#budgets;
		return this.#limiter("address-failures", failedAuthentications, failedAuthenticationWindowSeconds);
	}

	/**
	 * Spends one request of `address`'s budget before authentication; resolves to a refusal (seconds to
	 * wait, and why) when that budget is spent or the address has failed authentication too often.
	 */
	async admitAddress(address: string): Promise<{ retryAfter: number; reason: string } | undefined> {
		const [failures, requests] = await Promise.all([
			this.#failures().get(address),
			consume(this.#limiter("address", this.#budgets.requestsPerSecond, 1), address, 1),
		]);
		if (failures && failures.consumedPoints >= this.#budgets.failedAuthentications) {
			this.#refusals["address-failures"]++;
			return {
				retryAfter: retryAfterSeconds(failures.msBeforeNext),
				reason: "Too many failed authentications from this address",
			};
		}
		if (!requests) return undefined;
		this.#refusals.address++;
		return {
			retryAfter: retryAfterSeconds(requests.msBeforeNext),
			reason: "Too many requests from this address",
		};
	}

	/** Counts a request from `address` that did not authenticate. */
	async authenticationFailed(address: string): Promise<void> {
		await this.#failures().penalty(address);
	}

	/**
	 * Spends `units` of a connection's per-second budget, shared by all its tokens; resolves to the
	 * seconds to wait when refused. A charge the rest of this second cannot cover is refused up front. A
	 * charge larger than a whole second's budget (a big Bulk) can never fit, so it is admitted while the
	 * second still has budget left and holds the connection until the budget has paid for it.
	 */
	async spendConnection(
		connectionId: string,
		requestsPerSecond: number,
		units: number,
	): Promise<number | undefined> {
		const limiter = this.#limiter("connection", requestsPerSecond, 1);
		const refused = await consume(limiter, connectionId, units);
		if (!refused) return undefined;
		const spentBefore = refused.consumedPoints - units;
		if (units <= requestsPerSecond || spentBefore >= requestsPerSecond) {
			this.#refusals.connection++;
			return retryAfterSeconds(refused.msBeforeNext);
		}
		await limiter.block(connectionId, Math.ceil(refused.consumedPoints / requestsPerSecond));
		return undefined;
	}
}

/** Spends `units` of `key`'s budget; resolves to the limiter's answer when it refuses them. */
async function consume(
	limiter: RateLimiterAbstract,
	key: string,
	units: number,
): Promise<RateLimiterRes | undefined> {
	try {
		await limiter.consume(key, units);
		return undefined;
	} catch (rejection) {
		if (rejection instanceof RateLimiterRes) return rejection;
		throw rejection;
	}
}

/**
 * The budget key of a client address. IPv6 clients are keyed by their /64: a single host commonly holds
 * a whole /64, and moving to another address in it must not buy a fresh budget.
 */
function addressKey(address: string): string {
	const bare = address.split("%")[0] ?? address;
	if (isIP(bare) !== 6 || bare.includes(".")) return bare;
	const [head = "", tail] = bare.split("::");
	const left = head === "" ? [] : head.split(":");
	const right = tail === undefined || tail === "" ? [] : tail.split(":");
	const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
	return `${groups
		.slice(0, 4)
		.map((group) => Number.parseInt(group, 16).toString(16))
		.join(":")}::/64`;
}

/** 429 with a SCIM error and an integer `Retry-After`. */
function tooManyRequests(c: Context, retryAfter: number, reason: string): ScimError {
	c.header("Retry-After", String(retryAfter));
	return new ScimError(429, undefined, `${reason}; retry after ${retryAfter} s.`);
}

/**
 * Before authentication: refuses an address that has spent its request budget or failed authentication
 * too often, without an HMAC or a query, and counts its failed authentications (401s). An app driven
 * without a socket (tests calling `app.request`) has no address to key on and is not limited here.
 */
export function scimAddressLimit(limits: ScimRateLimits): MiddlewareHandler<ScimEnv> {
	return async function throttleAddress(c, next) {
		const address = clientIp(c);
		if (address === undefined) return next();
		const key = addressKey(address);
		const refusal = await limits.admitAddress(key);
		if (refusal) throw tooManyRequests(c, refusal.retryAfter, refusal.reason);
		await next();
		if (c.res.status === 401) await limits.authenticationFailed(key);
	};
}

/**
 * Spends `units` of the authenticated connection's budget, or throws a 429. Every request spends one
 * (`scimRateLimit`); `/Bulk` spends one more per further operation.
 */
export async function spendConnectionBudget(
	limits: ScimRateLimits,
	c: Context<ScimEnv>,
	units: number,
): Promise<void> {
	if (units <= 0) return;
	const { connection, settings } = c.get("scim");
	const retryAfter = await limits.spendConnection(connection.id, settings.rateLimit.requestsPerSecond, units);
	if (retryAfter !== undefined) throw tooManyRequests(c, retryAfter, "Too many requests for this connection");
}

/** After authentication: one unit of the connection's budget per request, whichever token it used. */
export function scimRateLimit(limits: ScimRateLimits): MiddlewareHandler<ScimEnv> {
	return async function throttleConnection(c, next) {
		await spendConnectionBudget(limits, c, 1);
		await next();
	};
}
