import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import type { TrustedProxy } from "../env.ts";
import type { ScimEnv } from "./variables.ts";

/** The peer address of the TCP connection; absent when the app is driven without a socket (tests). */
function peerAddress(c: Context): string | undefined {
	try {
		return getConnInfo(c).remote.address;
	} catch {
		return undefined;
	}
}

/** One `X-Forwarded-For` hop as an address: brackets and ports, which some proxies append, dropped. */
function forwardedAddress(hop: string): string | undefined {
	const trimmed = hop.trim();
	const address = /^\[(.+)\](?::\d+)?$/.exec(trimmed)?.[1] ?? /^([\d.]+):\d+$/.exec(trimmed)?.[1] ?? trimmed;
	return isIP(address) === 0 ? undefined : address;
}

/**
 * Resolves the client address once per request into `clientIp`. It is the TCP peer, unless the peer is
 * one of the operator's trusted proxies (`TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the
 * right, each trusted hop giving way to the address it forwarded for, so the first address no trusted
 * proxy vouches for is the client. A client's own `X-Forwarded-For` is never believed on its own.
 */
export function clientAddress(trustedProxies: readonly TrustedProxy[]): MiddlewareHandler<ScimEnv> {
	const trusted = new BlockList();
	for (const proxy of trustedProxies) trusted.addSubnet(proxy.address, proxy.prefix, proxy.family);
	const isTrusted = (address: string) => trusted.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
	return async function resolveClientAddress(c, next) {
		let address = peerAddress(c);
		if (address !== undefined && trustedProxies.length > 0) {
			const hops = (c.req.header("x-forwarded-for") ?? "").split(",").reverse();
			for (const hop of hops) {
				if (!isTrusted(address)) break;
				const forwarded = forwardedAddress(hop);
				if (forwarded === undefined) break;
				address = forwarded;
			}
		}
		c.set("clientIp", address);
		await next();
	};
}

/** The client address `clientAddress` resolved for this request. */
export function clientIp(c: Context<ScimEnv>): string | undefined {
	return c.get("clientIp");
}
