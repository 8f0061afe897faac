import { Agent } from "node:http";
import type { Hono } from "hono";
import { loopbackBase, sendRaw } from "../bench/http.ts";
import { ANSWER_DEADLINE_MS, NoAnswer } from "./oracle.ts";
import type { Transport } from "./runner.ts";

/**
 * The 127.0.0.0/8 address the `n`-th request without the run's token is sent from: the server allows
 * each address 30 failed authentications a minute, and one address sending every such case would turn
 * the rest of the run into 429s that hide what the cases test.
 */
function strangerAddress(n: number): string {
	const host = (n % 65_534) + 1;
	return `127.77.${host >> 8}.${host & 255}`;
}

/**
 * Real HTTP to the server process over keep-alive loopback sockets; no answer within the deadline is a
 * timeout. Requests that do not carry `Bearer <token>` come from ever new loopback addresses, as from a
 * crowd of clients.
 */
export function httpTransport(
	baseUrl: string,
	concurrency: number,
	token: string,
): { send: Transport; close(): void } {
	const base = loopbackBase(baseUrl);
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
	let strangers = 0;
	const send: Transport = async (request) => {
		const started = performance.now();
		const stranger = request.headers.Authorization !== `Bearer ${token}`;
		try {
			const reply = await sendRaw(agent, base, {
				method: request.method,
				path: request.path,
				headers: request.headers,
				body: request.body,
				timeoutMs: ANSWER_DEADLINE_MS,
				...(stranger ? { localAddress: strangerAddress(strangers++) } : {}),
			});
			return { status: reply.status, body: reply.body.toString("utf8"), ms: performance.now() - started };
		} catch (error) {
			const ms = performance.now() - started;
			const message = error instanceof Error ? error.message : String(error);
			throw new NoAnswer(ms >= ANSWER_DEADLINE_MS ? "timeout" : "no-answer", ms, message);
		}
	};
	return { send, close: () => agent.destroy() };
}

/** The app in this process through `app.request()`: what the smoke test in the normal suite drives. */
export function appTransport(app: Pick<Hono, "request">): Transport {
	return async (request) => {
		const started = performance.now();
		const bodyless = request.method === "GET" || request.method === "HEAD";
		const res = await app.request(`http://roster.test${request.path}`, {
			method: request.method,
			headers: request.headers,
			...(request.body === undefined || bodyless ? {} : { body: request.body }),
		});
		const body = await res.text();
		return { status: res.status, body, ms: performance.now() - started };
	};
}
