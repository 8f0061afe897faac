import { cpus, totalmem } from "node:os";
import { deprovisionWorkload } from "./access-deprovision.ts";
import { recomputeWorkload } from "./access-recompute.ts";
import type { BenchContext } from "./context.ts";
import { createContext } from "./context.ts";
import { createBenchDatabase, serverConnection } from "./database.ts";
import { ScimHttp } from "./http.ts";
import { readOptions, type WorkloadName } from "./options.ts";
import { sealingWorkload } from "./sealing.ts";
import { startServer } from "./server.ts";
import { type ResultRow, renderTable } from "./table.ts";
import { bareWorkload } from "./workloads/bare.ts";
import { consoleAuditWorkload } from "./workloads/console-audit.ts";
import { consoleDashboardWorkload } from "./workloads/console-dashboard.ts";
import { consoleUsersWorkload } from "./workloads/console-users.ts";
import { floorWorkload } from "./workloads/floor.ts";
import { idpCyclesWorkload } from "./workloads/idp-cycles.ts";
import { idpLockoutWorkload } from "./workloads/idp-lockout.ts";
import { lookupWorkload } from "./workloads/lookup.ts";
import { membersWorkload } from "./workloads/members.ts";
import { postWorkload } from "./workloads/post.ts";
import { replicasWorkload } from "./workloads/replicas.ts";
import { syncWorkload } from "./workloads/sync.ts";
import { webhooksWorkload } from "./workloads/webhooks.ts";

const workloads: Record<WorkloadName, (ctx: BenchContext) => Promise<ResultRow[]>> = {
	floor: floorWorkload,
	bare: bareWorkload,
	post: postWorkload,
	lookup: lookupWorkload,
	members: membersWorkload,
	sync: syncWorkload,
	deprovision: deprovisionWorkload,
	recompute: recomputeWorkload,
	sealing: sealingWorkload,
	"console-users": consoleUsersWorkload,
	"console-audit": consoleAuditWorkload,
	"console-dashboard": consoleDashboardWorkload,
	"idp-cycles": idpCyclesWorkload,
	"idp-lockout": idpLockoutWorkload,
	replicas: replicasWorkload,
	webhooks: webhooksWorkload,
};

async function serverHasGroups(http: ScimHttp): Promise<boolean> {
	const reply = await http.send("GET", "/Groups?count=0");
	return reply.status === 200;
}

async function main(): Promise<void> {
	const options = readOptions(process.argv.slice(2), process.env);
	const db = await createBenchDatabase(options.adminDatabaseUrl, options.clients, {
		logStatements: options.logStatements,
	});
	const rows: ResultRow[] = [];
	let failure: unknown;
	try {
		const [setting] = await db.sql<
			{ version: string }[]
		>`select current_setting('server_version') as version`;
		const connection = serverConnection(db, options.serverSocketDir);
		const server = await startServer({
			databaseUrl: connection.databaseUrl,
			// No webhook delivery here: the webhooks workload delivers from a server of its own that may
			// reach the loopback receiver; this one would claim the endpoint, refuse it and back off.
			env: { ...connection.env, WEBHOOK_DELIVERY_INTERVAL_MS: "0" },
			secret: db.secret,
			cpuProfileDir: options.cpuProfileDir,
			nodeFlags: options.serverNodeFlags,
		});
		const http = new ScimHttp(`${server.baseUrl}/scim/v2`, db.token, options.clients);
		try {
			const startupRssMb = server.rssMb();
			const hasGroups = await serverHasGroups(http);
			const ctx = createContext({ options, db, server, http, hasGroups, startupRssMb });
			process.stderr.write(
				`roster bench on ${db.name}: PostgreSQL ${setting?.version}, ${cpus().length} cores, ` +
					`${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, /Groups ${ctx.hasGroups ? "present" : "absent"}, ` +
					`server→PostgreSQL over ${options.serverSocketDir ? "Unix socket" : "TCP"}\n`,
			);
			rows.push({
				workload: "server RSS after start (compiled build, one node process)",
				verdict: `${startupRssMb.toFixed(0)} MB`,
			});
			for (const [name, workload] of Object.entries(workloads)) {
				if (!options.only.has(name as WorkloadName)) continue;
				process.stderr.write(`running ${name}…\n`);
				rows.push(...(await workload(ctx)));
			}
		} finally {
			http.close();
			await server.stop();
		}
	} catch (error) {
		failure = error;
	} finally {
		await db.drop();
	}
	if (rows.length > 0) process.stdout.write(`\n${renderTable(rows)}\n\n`);
	const cpuNotes = rows.flatMap((row) =>
		row.serverCpuMsPerOp === undefined || row.clients === undefined
			? []
			: [`${row.workload} @${row.clients}: ${row.serverCpuMsPerOp.toFixed(2)} ms server CPU per op`],
	);
	if (cpuNotes.length > 0) process.stdout.write(`${cpuNotes.join("\n")}\n\n`);
	if (failure !== undefined) throw failure;
	const missed = rows.filter((row) => row.passed === false).map((row) => row.workload);
	process.stdout.write(missed.length === 0 ? "All measured goals met.\n" : `Missed: ${missed.join("; ")}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
