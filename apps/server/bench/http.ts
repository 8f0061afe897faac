import { Agent, request } from "node:http";

const REQUEST_TIMEOUT_MS = 30_000;
/**
 * A keep-alive socket left idle this long is closed by the client, before the server's 5 s keep-alive
 * timeout: otherwise a socket the server is closing can be picked for the next request (ECONNRESET). The
 * agent reuses the newest sockets first, so whenever fewer requests are in flight than sockets are open
 * (one load spread over replicas), some sit idle that long.
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/** An HTTP answer as bytes, for callers that judge malformed bodies themselves (the fuzzer). */
export interface RawReply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** Refuses any host but 127.0.0.1, so load and fuzz traffic never leave the machine. */
export function loopbackBase(baseUrl: string): URL {
	const base = new URL(baseUrl);
	if (base.hostname !== "127.0.0.1") throw new Error(`Refusing to load ${base.hostname}`);
	return base;
}

/**
 * Sends one request exactly as given (path, headers and body bytes untouched, Content-Length set) and
 * rejects when no complete answer arrives within `timeoutMs`.
 */
export function sendRaw(
	agent: Agent,
	base: URL,
	options: {
		method: string;
		path: string;
		headers: Record<string, string>;
		body: string | Uint8Array | undefined;
		timeoutMs: number;
		/** The loopback address to send from (any of 127.0.0.0/8), to stand for another client. */
		localAddress?: string;
	},
): Promise<RawReply> {
	const headers: Record<string, string | number> = { ...options.headers };
	if (options.body !== undefined) headers["Content-Length"] = Buffer.byteLength(options.body);
	return new Promise((resolve, reject) => {
		const req = request(
			{
				agent,
				host: base.hostname,
				port: base.port,
				method: options.method,
				path: options.path,
				headers,
				...(options.localAddress ? { localAddress: options.localAddress } : {}),
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on("data", (chunk: Buffer) => chunks.push(chunk));
				res.on("error", reject);
				res.on("end", () =>
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
				);
			},
		);
		const timer = setTimeout(
			() => req.destroy(new Error(`${options.method} ${options.path} timed out`)),
			options.timeoutMs,
		);
		req.on("close", () => clearTimeout(timer));
		req.on("error", reject);
		req.end(options.body);
	});
}

/** A SCIM reply as the benchmark needs it: the status and the parsed JSON body (null when empty). */
export interface ScimReply {
	status: number;
	body: Record<string, unknown> | null;
}

/**
 * A keep-alive SCIM client for the server under test. It refuses any host but 127.0.0.1, so load never
 * leaves the machine, and it keeps one socket per concurrent worker so connection set-up is not measured.
 */
export class ScimHttp {
	readonly #agent: Agent;
	readonly #base: URL;
	readonly #authorization: string;

	constructor(baseUrl: string, token: string, maxSockets: number) {
		this.#base = loopbackBase(baseUrl);
		this.#agent = new Agent({
			keepAlive: true,
			maxSockets,
			maxFreeSockets: maxSockets,
			timeout: IDLE_SOCKET_TIMEOUT_MS,
		});
		this.#authorization = `Bearer ${token}`;
	}

	/** Sends one request; `path` is relative to the SCIM base, query string included. */
	async send(method: string, path: string, body?: unknown): Promise<ScimReply> {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const headers: Record<string, string> = {
			Authorization: this.#authorization,
			Accept: "application/scim+json",
		};
		if (payload !== undefined) headers["Content-Type"] = "application/scim+json; charset=utf-8";
		const reply = await sendRaw(this.#agent, this.#base, {
			method,
			path: `${this.#base.pathname}${path}`,
			headers,
			body: payload,
			timeoutMs: REQUEST_TIMEOUT_MS,
		});
		const text = reply.body.toString("utf8");
		try {
			return {
				status: reply.status,
				body: text === "" ? null : (JSON.parse(text) as Record<string, unknown>),
			};
		} catch {
			throw new Error(`${method} ${path}: ${reply.status} with a non-JSON body: ${text.slice(0, 200)}`);
		}
	}

	/** Like `send`, but throws unless the status is the expected one, quoting the server's answer. */
	async expect(status: number, method: string, path: string, body?: unknown): Promise<ScimReply> {
		const reply = await this.send(method, path, body);
		if (reply.status !== status) {
			const detail = JSON.stringify(reply.body)?.slice(0, 300);
			throw new Error(`${method} ${path}: expected ${status}, got ${reply.status}: ${detail}`);
		}
		return reply;
	}

	close(): void {
		this.#agent.destroy();
	}
}

/** Reads `id` from a created resource, which every later step of a sync needs. */
export function resourceId(reply: ScimReply): string {
	const id = reply.body?.id;
	if (typeof id !== "string")
		throw new Error(`response has no id: ${JSON.stringify(reply.body)?.slice(0, 200)}`);
	return id;
}

/** `totalResults` of a ListResponse. */
export function totalResults(reply: ScimReply): number {
	const total = reply.body?.totalResults;
	if (typeof total !== "number")
		throw new Error(`not a ListResponse: ${JSON.stringify(reply.body)?.slice(0, 200)}`);
	return total;
}
