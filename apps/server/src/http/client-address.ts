import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { TrustedProxy } from "../env.ts";

/** Who is on the other end of a request, as far as the operator's `TRUSTED_PROXIES` let Roster believe. */
export interface ClientAddress {
	/** The client's IP address; absent when the app is driven without a socket (tests). */
	ip: string | undefined;
	/** True when the client reached Roster over https (directly, or at a trusted proxy). */
	https: boolean;
	/** The origin the client addressed (`https://roster.example.com`), as a browser's Origin header names it. */
	origin: string;
}

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
 * Builds the one resolver of client addresses the adapters share. The address is the TCP peer, unless the
 * peer is one of the operator's trusted proxies: then `X-Forwarded-For` is read from the right, each
 * trusted hop giving way to the address it forwarded for, so the first address no trusted proxy vouches
 * for is the client. A client's own `X-Forwarded-For` or `X-Forwarded-Proto` is never believed on its own.
 */
export function clientAddressResolver(
	trustedProxies: readonly TrustedProxy[],
): (c: Context) => ClientAddress {
	const trust = proxyTrust(trustedProxies);
	return function resolveClientAddress(c) {
		const peer = peerAddress(c);
		const viaProxy = trust.isTrusted(peer);
		const forwarded = (name: string) => (viaProxy ? c.req.header(name)?.split(",")[0]?.trim() : undefined);
		const url = new URL(c.req.url);
		const forwardedProto = forwarded("x-forwarded-proto")?.toLowerCase();
		const https = forwardedProto === undefined ? url.protocol === "https:" : forwardedProto === "https";
		const host = forwarded("x-forwarded-host") || url.host;
		return {
			ip: trust.clientOf(c, peer),
			https,
			origin: `${https ? "https" : "http"}://${host}`.toLowerCase(),
		};
	};
}

/**
 * The client's IP address alone, resolved as `clientAddressResolver` does, for adapters that need no
 * origin (SCIM): it parses no URL, which every SCIM request would otherwise pay for.
 */
export function clientIpResolver(
	trustedProxies: readonly TrustedProxy[],
): (c: Context) => string | undefined {
	const trust = proxyTrust(trustedProxies);
	return function resolveClientIp(c) {
		return trust.clientOf(c, peerAddress(c));
	};
}

function proxyTrust(trustedProxies: readonly TrustedProxy[]) {
	const trusted = new BlockList();
	for (const proxy of trustedProxies) trusted.addSubnet(proxy.address, proxy.prefix, proxy.family);
	const isTrusted = (address: string | undefined) =>
		address !== undefined &&
		trustedProxies.length > 0 &&
		trusted.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
	/** The first address along `X-Forwarded-For` (read from the right) that no trusted proxy vouches for. */
	const clientOf = (c: Context, peer: string | undefined): string | undefined => {
		let address = peer;
		if (isTrusted(peer)) {
			const hops = (c.req.header("x-forwarded-for") ?? "").split(",").reverse();
			for (const hop of hops) {
				if (!isTrusted(address)) break;
				const forwarded = forwardedAddress(hop);
				if (forwarded === undefined) break;
				address = forwarded;
			}
		}
		return address;
	};
	return { isTrusted, clientOf };
}
