import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface Received {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A real local HTTP server standing in for a host application's webhook receiver. */
export interface Receiver {
	url: string;
	received: Received[];
	/** Decides each answer: a status and body, or "hang" to never answer. */
	respond: (request: Received, index: number) => { status: number; body?: string } | "hang";
	close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
	const received: Received[] = [];
	let server: Server | undefined;
	const receiver: Receiver = {
		url: "",
		received,
		respond: () => ({ status: 204 }),
		close: () =>
			new Promise((resolve) => {
				server?.closeAllConnections();
				server?.close(() => resolve());
			}),
	};
	server = createServer((req, res) => {
		let body = "";
		req.setEncoding("utf8");
		req.on("data", (chunk: string) => {
			body += chunk;
		});
		req.on("end", () => {
			const request = { headers: req.headers, body };
			received.push(request);
			const answer = receiver.respond(request, received.length - 1);
			if (answer === "hang") return;
			res.writeHead(answer.status, { "content-type": "text/plain" });
			res.end(answer.body ?? "");
		});
	});
	await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
	return receiver;
}
