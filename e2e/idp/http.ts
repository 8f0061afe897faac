import { IdpCheckFailure } from "./checks.ts";

/** Any `fetch`-shaped function: `app.request` in vitest, global `fetch` against a listening server. */
export type FetchLike = (url: string, init: RequestInit) => Response | Promise<Response>;

export type JsonObject = Record<string, unknown>;

/** One request and its answer, as the IdP's provisioning log would keep it. */
export interface Exchange {
	method: string;
	/** Path and query relative to the SCIM base, exactly as sent. */
	path: string;
	requestHeaders: Record<string, string>;
	requestBody: unknown;
	status: number;
	responseHeaders: Headers;
	body: JsonObject | null;
	text: string;
	elapsedMs: number;
	/** When the request was sent (epoch milliseconds, sub-millisecond precision), for logs and latency measurements. */
	startedAt: number;
}

/**
 * No answer at all: the socket timed out (60 s) or the connection failed. Entra escrows the operation,
 * Okta fails the task; both show the code.
 */
export class TransportFailure extends IdpCheckFailure {}

/** Request headers with the bearer secret masked, for anything a person reads (logs, pages, the JSON API). */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name] = name.toLowerCase() === "authorization" ? value.replace(/\s.*$/, " ********") : value;
	}
	return out;
}

/** Both IdPs close the socket after 60 s. */
export const IDP_TIMEOUT_MS = 60_000;

export interface ScimHttpOptions {
	/** Absolute SCIM base URL, e.g. `http://roster.test/scim/v2`. */
	baseUrl: string;
	token: string;
	fetch: FetchLike;
	/** Headers the IdP adds to every request besides `Authorization`. */
	headers: (method: string, hasBody: boolean) => Record<string, string>;
	/** A query string the IdP appends to every call (Entra's `aadOptscim062020` tenant URL). */
	extraQuery?: string;
}

/** The wire of one IdP: builds requests with its headers, records every exchange and enforces the 60 s timeout. */
export class ScimHttp {
	readonly exchanges: Exchange[] = [];
	#options: ScimHttpOptions;

	constructor(options: ScimHttpOptions) {
		this.#options = options;
	}

	/** The SCIM base URL requests go to now. */
	get baseUrl(): string {
		return this.#options.baseUrl;
	}

	/** A new Tenant URL / Base URL or token, as an admin saves on the Provisioning page; state is kept. */
	connect(baseUrl: string, token: string): void {
		this.#options = { ...this.#options, baseUrl, token };
	}

	async send(method: string, path: string, body?: unknown): Promise<Exchange> {
		const { baseUrl, token, fetch, headers, extraQuery } = this.#options;
		const requestHeaders: Record<string, string> = {
			Authorization: `Bearer ${token}`,
			...headers(method, body !== undefined),
		};
		const withQuery = extraQuery ? `${path}${path.includes("?") ? "&" : "?"}${extraQuery}` : path;
		const init: RequestInit = {
			method,
			headers: requestHeaders,
			signal: AbortSignal.timeout(IDP_TIMEOUT_MS),
		};
		if (body !== undefined) init.body = JSON.stringify(body);
		const startedAt = performance.timeOrigin + performance.now();
		const started = performance.now();
		let response: Response;
		let text: string;
		try {
			response = await fetch(`${baseUrl}${withQuery}`, init);
			text = await response.text();
		} catch (error) {
			const timedOut =
				error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
			throw new TransportFailure(
				timedOut ? "Timeout" : "ConnectionFailure",
				`${method} ${withQuery}: ${timedOut ? "no answer within 60 s" : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
			);
		}
		const elapsedMs = performance.now() - started;
		let parsed: JsonObject | null = null;
		if (text) {
			try {
				const value: unknown = JSON.parse(text);
				parsed =
					typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
			} catch {
				parsed = null;
			}
		}
		const exchange: Exchange = {
			method,
			path: withQuery,
			requestHeaders,
			requestBody: body,
			status: response.status,
			responseHeaders: response.headers,
			body: parsed,
			text,
			elapsedMs,
			startedAt,
		};
		this.exchanges.push(exchange);
		if (elapsedMs > IDP_TIMEOUT_MS) throw new TransportFailure("Timeout", "no answer within 60 s", exchange);
		if (text && parsed === null) {
			throw new IdpCheckFailure("InvalidResponseBody", "the answer is not a JSON object", exchange);
		}
		return exchange;
	}
}

/** `filter=` as the IdPs put it on the wire: quotes encoded, spaces as `+` or `%20`. */
export function encodeFilter(filter: string, space: "+" | "%20"): string {
	return encodeURIComponent(filter).replaceAll("%20", space);
}
