import { createServer, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { SCIM_ERROR_SCHEMA } from "@roster/scim";
import { SERVER_OPTIONS } from "./server-options.ts";

function scimErrorBody(status: number, detail: string): string {
	return JSON.stringify({ schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail });
}

const REASONS: Record<number, string> = {
	400: "Bad Request",
	408: "Request Timeout",
	431: "Request Header Fields Too Large",
};

function statusOf(error: NodeJS.ErrnoException): number {
	if (error.code === "HPE_HEADER_OVERFLOW") return 431;
	if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
	return 400;
}

/** An answer to HEAD has no body: a client would read one as the start of its next response. */
function isHead(error: NodeJS.ErrnoException): boolean {
	const raw = (error as { rawPacket?: unknown }).rawPacket;
	return Buffer.isBuffer(raw) && raw.subarray(0, 5).toString("latin1") === "HEAD ";
}

/**
 * Requests Node's HTTP parser refuses (a request line plus headers over its 16 KB limit, a malformed
 * request line) never reach the app, and Node answers them with an empty body. This answers them with a
 * SCIM Error instead: the path is not known yet, and a SCIM client, the only one sending such long
 * filters, must be able to read why. Nothing is written once a response has started on the socket.
 */
function answerClientErrors(server: Server): void {
	server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
		const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
		if (!socket.writable || inFlight?.headersSent || error.code === "ECONNRESET") {
			socket.destroy();
			return;
		}
		const status = statusOf(error);
		const body = scimErrorBody(
			status,
			status === 431
				? "The request line and headers exceed 16 KB; send long filters in a POST .search body."
				: "The request is not valid HTTP.",
		);
		socket.end(
			`HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/scim+json\r\n` +
				`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${isHead(error) ? "" : body}`,
		);
	});
}

/**
 * A request Node parsed but @hono/node-server cannot turn into a `Request` (a backslash in the path, a
 * bad Host header: its `RequestError`) never reaches the app either; without this it is a 400 with an
 * empty body. Anything else that escapes the app (its `onError` normally answers) stays a 500.
 */
function answerUnreadableRequest(error: unknown): Response {
	const unreadable = error instanceof Error && error.name === "RequestError";
	const status = unreadable ? 400 : 500;
	const detail = unreadable ? "The request URL or Host header cannot be read." : "Internal server error";
	return new Response(scimErrorBody(status, detail), {
		status,
		headers: { "Content-Type": "application/scim+json" },
	});
}

/**
 * The HTTP server boot listens with: the app's `fetch` through @hono/node-server's listener, the
 * slow-client timeouts of `SERVER_OPTIONS`, and SCIM errors, never empty bodies, for requests refused
 * before the app sees them.
 */
export function createHttpServer(fetch: Parameters<typeof getRequestListener>[0], hostname: string): Server {
	const server = createServer(
		SERVER_OPTIONS,
		getRequestListener(fetch, { hostname, errorHandler: answerUnreadableRequest }),
	);
	answerClientErrors(server);
	return server;
}
