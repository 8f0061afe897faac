import { type LookupAddress, lookup } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { OperationError } from "../operation-error.ts";

const MAX_URL_LENGTH = 2048;
/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_BODY_LIMIT = 512;

/** Whether endpoints may point at `http://` and non-public addresses (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`). */
export interface TargetPolicy {
	allowPrivateNetworks: boolean;
}

/**
 * True for a globally routable unicast address. Loopback, private, link-local (cloud metadata at
 * 169.254.169.254), unique-local, carrier-grade NAT, multicast and reserved ranges are not; an IPv4-mapped
 * IPv6 address is judged as the IPv4 address it carries.
 */
function isPublicAddress(address: string): boolean {
	if (!ipaddr.isValid(address)) return false;
	let parsed = ipaddr.parse(address);
	if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
		parsed = (parsed as ipaddr.IPv6).toIPv4Address();
	}
	return parsed.range() === "unicast";
}

function bareHost(hostname: string): string {
	return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

/**
 * Checks an endpoint URL when it is saved: absolute `https://` without credentials, at most 2048
 * characters; a literal address or `localhost` must be public unless the policy allows private networks.
 * Names are resolved again, address by address, at every delivery (`postWebhook`), so a name that later
 * points inside the network is refused then. Returns the normalised URL.
 */
export function checkEndpointUrl(text: string, policy: TargetPolicy): string {
	const refuse = (why: string) => new OperationError("invalid", `The endpoint URL ${why}`);
	if (text.length > MAX_URL_LENGTH) throw refuse(`is longer than ${MAX_URL_LENGTH} characters`);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw refuse("is not an absolute URL");
	}
	if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowPrivateNetworks)) {
		throw refuse(
			policy.allowPrivateNetworks
				? "must use http or https"
				: "must use https (http needs WEBHOOK_ALLOW_PRIVATE_NETWORKS)",
		);
	}
	if (url.username || url.password) throw refuse("must not carry credentials");
	const host = bareHost(url.hostname);
	const literal = isIP(host) !== 0;
	if (
		!policy.allowPrivateNetworks &&
		(host === "localhost" || host.endsWith(".localhost") || (literal && !isPublicAddress(host)))
	) {
		throw refuse(
			"points at a private or loopback address (allowed only with WEBHOOK_ALLOW_PRIVATE_NETWORKS)",
		);
	}
	url.hash = "";
	return url.toString();
}

/** A resolver for outgoing requests that refuses, after DNS, any address the policy does not allow. */
function guardedLookup(policy: TargetPolicy): LookupFunction {
	return (hostname, options, callback) => {
		lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
			if (error) return callback(error, "", 0);
			const refused = policy.allowPrivateNetworks
				? undefined
				: addresses.find((entry) => !isPublicAddress(entry.address));
			const first = addresses[0];
			if (refused || !first) {
				const reason = refused
					? `${hostname} resolves to a non-public address`
					: `${hostname} has no address`;
				return callback(Object.assign(new Error(reason), { code: "ETARGETREFUSED" }), "", 0);
			}
			if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
			return callback(null, first.address, first.family);
		});
	};
}

/** What one POST to a receiver came to: its status and the start of its answer, or why there was none. */
export interface PostResult {
	status?: number;
	responseBody: string;
	error?: string;
	durationMs: number;
}

/** Reads at most `RESPONSE_BODY_LIMIT` characters of an answer and drops the rest. */
async function startOf(response: IncomingMessage): Promise<string> {
	let text = "";
	for await (const chunk of response) {
		if (text.length < RESPONSE_BODY_LIMIT) text += String(chunk);
	}
	return text.slice(0, RESPONSE_BODY_LIMIT);
}

/**
 * POSTs one signed message with a hard timeout over the whole exchange. Never throws: a refusal, a network
 * error or a timeout comes back as `error`. Redirects are not followed (a 3xx is a failed delivery).
 */
export async function postWebhook(
	target: string,
	body: string,
	headers: Record<string, string>,
	options: TargetPolicy & { timeoutMs: number },
): Promise<PostResult> {
	const started = performance.now();
	const elapsed = () => Math.round(performance.now() - started);
	try {
		const url = new URL(target);
		const host = bareHost(url.hostname);
		if (!options.allowPrivateNetworks && isIP(host) !== 0 && !isPublicAddress(host)) {
			return { responseBody: "", error: `${host} is not a public address`, durationMs: elapsed() };
		}
		const send = url.protocol === "https:" ? httpsRequest : httpRequest;
		const signal = AbortSignal.timeout(options.timeoutMs);
		const response = await new Promise<IncomingMessage>((resolve, reject) => {
			const outgoing = send(url, {
				method: "POST",
				headers: { "content-type": "application/json", "user-agent": "Roster-Webhooks/1", ...headers },
				lookup: guardedLookup(options),
				signal,
			});
			outgoing.once("response", resolve);
			outgoing.once("error", reject);
			outgoing.end(body);
		});
		const responseBody = await startOf(response);
		return { status: response.statusCode ?? 0, responseBody, durationMs: elapsed() };
	} catch (error) {
		const timedOut = error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
		const reason = timedOut
			? `no answer within ${options.timeoutMs} ms`
			: error instanceof Error
				? error.message
				: String(error);
		return { responseBody: "", error: reason, durationMs: elapsed() };
	}
}
