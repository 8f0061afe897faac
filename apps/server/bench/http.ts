import { Agent, request } from "node:http";

const REQUEST_TIMEOUT_MS = 30_000;

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
		this.#base = new URL(baseUrl);
		if (this.#base.hostname !== "127.0.0.1") throw new Error(`Refusing to load ${this.#base.hostname}`);
		this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
		this.#authorization = `Bearer ${token}`;
	}

	/** Sends one request; `path` is relative to the SCIM base, query string included. */
	send(method: string, path: string, body?: unknown): Promise<ScimReply> {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const headers: Record<string, string | number> = {
			Authorization: this.#authorization,
			Accept: "application/scim+json",
		};
		if (payload !== undefined) {
			headers["Content-Type"] = "application/scim+json; charset=utf-8";
			headers["Content-Length"] = Buffer.byteLength(payload);
		}
		return new Promise((resolve, reject) => {
			const req = request(
				{
					agent: this.#agent,
					host: this.#base.hostname,
					port: this.#base.port,
					method,
					path: `${this.#base.pathname}${path}`,
					headers,
					timeout: REQUEST_TIMEOUT_MS,
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on("data", (chunk: Buffer) => chunks.push(chunk));
					res.on("error", reject);
					res.on("end", () => {
						const text = Buffer.concat(chunks).toString("utf8");
						try {
							resolve({
								status: res.statusCode ?? 0,
								body: text === "" ? null : (JSON.parse(text) as Record<string, unknown>),
							});
						} catch {
							reject(
								new Error(`${method} ${path}: ${res.statusCode} with a non-JSON body: ${text.slice(0, 200)}`),
							);
						}
					});
				},
			);
			req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
			req.on("error", reject);
			req.end(payload);
		});
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
