import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase } from "@roster/db";
import { createWebhookEndpoint } from "../../src/events/webhook-endpoints.ts";
import type { BenchContext } from "../context.ts";
import { serverConnection } from "../database.ts";
import { ScimHttp } from "../http.ts";
import { percentile } from "../load.ts";
import { entraUser } from "../scim-bodies.ts";
import { type ServerProcess, startServer } from "../server.ts";
import { mark, type ResultRow } from "../table.ts";

/** The goal: p99 from commit to delivery under 1 s at 100 events per second. */
const PACED_EVENTS_PER_SECOND = 100;
const GOAL_P99_MS = 1000;
/** A burst below the flood-control threshold (1,000 waiting events), so every event is delivered itself. */
const BURST_EVENTS = 800;
const DELIVERY_TIMEOUT_MS = 60_000;

/** A local receiver that answers 204 and notes when each user's `user.provisioned` event arrived. */
function startReceiver(): Promise<{ server: Server; url: string; arrivals: Map<string, number> }> {
	const arrivals = new Map<string, number>();
	const server = createServer((request: IncomingMessage, response) => {
		const chunks: Buffer[] = [];
		request.on("data", (chunk: Buffer) => chunks.push(chunk));
		request.on("end", () => {
			const at = performance.now();
			const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
				type: string;
				data?: { subject?: { name?: string } };
			};
			const name = event.data?.subject?.name;
			if (event.type === "user.provisioned" && name && !arrivals.has(name)) arrivals.set(name, at);
			response.writeHead(204).end();
		});
	});
	return new Promise((resolve) => {
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as AddressInfo;
			resolve({ server, url: `http://127.0.0.1:${port}/hook`, arrivals });
		});
	});
}

async function waitForArrivals(arrivals: Map<string, number>, names: readonly string[]): Promise<void> {
	const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
	while (names.some((name) => !arrivals.has(name))) {
		if (Date.now() > deadline) {
			const missing = names.filter((name) => !arrivals.has(name)).length;
			throw new Error(`${missing} of ${names.length} webhook events not delivered within 60 s`);
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/**
 * Webhook delivery on its own server process (private targets allowed, so the receiver can be local):
 * first `POST /Users` paced at 100 per second, each one event, timed from the create's answer (its
 * commit) to the receiver's arrival, which spans sealing (the events' horizon), the delivery poll and
 * the signed POST; then a burst of creates from every client, reported as events delivered per second.
 */
export async function webhooksWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, db } = ctx;
	const receiver = await startReceiver();
	const handle = await createDatabase(db.url, { poolSize: 1 });
	let server: ServerProcess | undefined;
	let http: ScimHttp | undefined;
	try {
		await createWebhookEndpoint(handle.db, {
			orgId: db.orgId,
			url: receiver.url,
			description: "bench receiver",
			actor: { type: "system", name: "bench" },
			secret: db.secret,
			policy: { allowPrivateNetworks: true },
		});
		const connection = serverConnection(db, options.serverSocketDir);
		server = await startServer({
			databaseUrl: connection.databaseUrl,
			env: { ...connection.env, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" },
			secret: db.secret,
			cpuProfileDir: undefined,
			nodeFlags: options.serverNodeFlags,
		});
		http = new ScimHttp(`${server.baseUrl}/scim/v2`, db.token, options.clients);
		const client = http;

		const paced = Math.min(options.maxOps, options.seconds * PACED_EVENTS_PER_SECOND);
		const committed = new Map<string, number>();
		const started = performance.now();
		const sends: Promise<void>[] = [];
		for (let i = 0; i < paced; i++) {
			const due = started + (i * 1000) / PACED_EVENTS_PER_SECOND;
			const wait = due - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			const userName = `webhook-paced-${i}@bench.example`;
			sends.push(
				client.expect(201, "POST", "/Users", entraUser(userName, i)).then(() => {
					committed.set(userName, performance.now());
				}),
			);
		}
		await Promise.all(sends);
		const pacedSeconds = (performance.now() - started) / 1000;
		await waitForArrivals(receiver.arrivals, [...committed.keys()]);
		const lags = [...committed].map(([name, at]) => (receiver.arrivals.get(name) ?? at) - at);
		const p99 = percentile(lags, 0.99);
		const pacedPassed = p99 < GOAL_P99_MS;

		const burstNames = Array.from({ length: BURST_EVENTS }, (_, i) => `webhook-burst-${i}@bench.example`);
		const burstStarted = performance.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: options.clients }, async () => {
				while (next < burstNames.length) {
					const index = next++;
					await client.expect(201, "POST", "/Users", entraUser(burstNames[index] as string, index));
				}
			}),
		);
		await waitForArrivals(receiver.arrivals, burstNames);
		const lastArrival = Math.max(...burstNames.map((name) => receiver.arrivals.get(name) ?? 0));
		const burstSeconds = (lastArrival - burstStarted) / 1000;
		return [
			{
				workload: `webhook delivery, creates paced at ${PACED_EVENTS_PER_SECOND}/s: commit → receiver`,
				clients: 1,
				ops: lags.length,
				opsPerSecond: lags.length / pacedSeconds,
				p50Ms: percentile(lags, 0.5),
				p99Ms: p99,
				verdict: `goal p99 < ${GOAL_P99_MS} ms ${mark(pacedPassed)}`,
				passed: pacedPassed,
			},
			{
				workload: `webhook delivery, a burst of ${BURST_EVENTS} creates (${options.clients} clients)`,
				clients: options.clients,
				ops: BURST_EVENTS,
				opsPerSecond: BURST_EVENTS / burstSeconds,
				verdict: `${(BURST_EVENTS / burstSeconds).toFixed(0)} events/s delivered, first create to last arrival`,
			},
		];
	} finally {
		http?.close();
		await server?.stop();
		await handle.close();
		await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
	}
}
