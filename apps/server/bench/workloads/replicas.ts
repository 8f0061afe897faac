import { randomInt } from "node:crypto";
import type { BenchContext } from "../context.ts";
import { seededUserName, serverConnection } from "../database.ts";
import { ScimHttp, totalResults } from "../http.ts";
import { type LoadResult, type Operation, warmThenRun } from "../load.ts";
import { entraUser, eqFilter } from "../scim-bodies.ts";
import { type ServerProcess, startServer } from "../server.ts";
import { loadRow, type ResultRow } from "../table.ts";

const REPLICA_COUNTS = [1, 2, 3] as const;

/** Sends each operation to the next replica in turn, so every replica gets an equal share of the load. */
function roundRobin(
	clients: readonly ScimHttp[],
	send: (http: ScimHttp, ...args: Parameters<Operation>) => Promise<void>,
): Operation {
	let next = 0;
	return async (worker, sequence) => {
		const index = next++ % clients.length;
		try {
			await send(clients[index] as ScimHttp, worker, sequence);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			throw new Error(`replica ${index + 1} of ${clients.length}: ${reason}`, { cause: error });
		}
	};
}

function ratioText(result: LoadResult, single: LoadResult | undefined, count: number): string {
	if (count === 1 || !single) return "baseline: 1 replica";
	const ratio = result.ops / result.seconds / (single.ops / single.seconds);
	return `${ratio.toFixed(2)}× 1 replica`;
}

/**
 * `userName eq` lookups and `POST /Users` with 1, 2 and 3 replicas: separate compiled server processes on
 * their own ports, on the bench's one PostgreSQL database and one Redis (`REDIS_URL`, as operators run
 * them), with the same clients spread round-robin over them. Each count is reported as a ratio to one
 * replica measured in the same run; the replicas share this machine's cores with PostgreSQL, Redis and the
 * load generator, so the ratios say what more processes buy here, not on separate hosts.
 */
export async function replicasWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options, db } = ctx;
	await ctx.ensureSeeded(options.lookupUsers);
	const connection = serverConnection(db, options.serverSocketDir);
	const servers: ServerProcess[] = [];
	const single = new Map<string, LoadResult>();
	const rows: ResultRow[] = [];
	const users = options.lookupUsers.toLocaleString("en-US");
	try {
		for (const count of REPLICA_COUNTS) {
			while (servers.length < count) {
				servers.push(
					await startServer({
						databaseUrl: connection.databaseUrl,
						env: { ...connection.env, REDIS_URL: options.redisUrl },
						secret: db.secret,
						cpuProfileDir: undefined,
						nodeFlags: options.serverNodeFlags,
					}),
				);
			}
			// One client per replica for this count, closed with it.
			const clients = servers.map(
				(server) => new ScimHttp(`${server.baseUrl}/scim/v2`, db.token, options.clients),
			);
			try {
				const load = {
					clients: options.clients,
					seconds: options.seconds,
					maxOps: options.maxOps,
					serverCpuSeconds: () => servers.reduce((sum, server) => sum + server.cpuSeconds(), 0),
				};
				const lookup = await warmThenRun({
					...load,
					operation: roundRobin(clients, async (http) => {
						const userName = seededUserName(randomInt(options.lookupUsers));
						const reply = await http.expect(200, "GET", `/Users?${eqFilter("userName", userName)}`);
						if (totalResults(reply) !== 1)
							throw new Error(`lookup of ${userName} did not find exactly one user`);
					}),
				});
				const post = await warmThenRun({
					...load,
					operation: roundRobin(clients, async (http, worker, sequence) => {
						const userName = `replicas-${count}-${worker}-${sequence}@bench.example`;
						await http.expect(201, "POST", "/Users", entraUser(userName, sequence));
					}),
				});
				if (count === 1) {
					single.set("lookup", lookup);
					single.set("post", post);
				}
				const rss = servers.map((server) => server.rssMb().toFixed(0)).join(" + ");
				const plural = count === 1 ? "replica" : "replicas";
				rows.push(
					loadRow(
						`${count} ${plural}: userName eq lookup (${users} users)`,
						lookup,
						ratioText(lookup, single.get("lookup"), count),
					),
					loadRow(
						`${count} ${plural}: POST /Users`,
						post,
						`${ratioText(post, single.get("post"), count)}; RSS ${rss} MB`,
					),
				);
			} finally {
				for (const http of clients) http.close();
			}
		}
	} finally {
		await Promise.all(servers.map((server) => server.stop()));
	}
	return rows;
}
