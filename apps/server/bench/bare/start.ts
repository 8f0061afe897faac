import type { BenchDatabase } from "../database.ts";
import { serverConnection } from "../database.ts";
import { ScimHttp } from "../http.ts";
import { type ServerProcess, startServer } from "../server.ts";

/** The bare server as a child process, with a SCIM client on it that sends the bench token. */
export interface BareServer {
	server: ServerProcess;
	http: ScimHttp;
	stop(): Promise<void>;
}

/**
 * Starts `bench/bare/server.ts` through Roster's own process handling (free port, /healthz, SIGTERM),
 * reaching PostgreSQL the same way the Roster server does (TCP, or the Unix socket when asked).
 */
export async function startBareServer(
	db: BenchDatabase,
	options: { clients: number; socketDir: string | undefined; nodeFlags: string[] },
): Promise<BareServer> {
	const connection = serverConnection(db, options.socketDir);
	const server = await startServer({
		entry: "bench/bare/server.ts",
		databaseUrl: connection.databaseUrl,
		secret: db.secret,
		cpuProfileDir: undefined,
		nodeFlags: options.nodeFlags,
		env: { ...connection.env, TOKEN: db.token, ORG_ID: db.orgId, CONNECTION_ID: db.connectionId },
	});
	const http = new ScimHttp(`${server.baseUrl}/scim/v2`, db.token, options.clients);
	return {
		server,
		http,
		async stop() {
			http.close();
			await server.stop();
		},
	};
}
