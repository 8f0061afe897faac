import type { Context, MiddlewareHandler } from "hono";
import type { TrustedProxy } from "../env.ts";
import { clientIpResolver } from "../http/client-address.ts";
import type { ScimEnv } from "./variables.ts";

/**
 * Resolves the client address once per request into `clientIp` (see `clientAddressResolver`: the TCP
 * peer, or what the operator's trusted proxies forwarded for); no URL is parsed for it.
 */
export function clientAddress(trustedProxies: readonly TrustedProxy[]): MiddlewareHandler<ScimEnv> {
	const resolve = clientIpResolver(trustedProxies);
	return async function resolveClientAddress(c, next) {
		c.set("clientIp", resolve(c));
		await next();
	};
}

/** The client address `clientAddress` resolved for this request. */
export function clientIp(c: Context<ScimEnv>): string | undefined {
	return c.get("clientIp");
}
