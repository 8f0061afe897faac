import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { createDatabase, type DatabaseHandle, migrate } from "@roster/db";
import { auditChainKeyring } from "@roster/domain";
import { createApp } from "./app.ts";
import { type LogRetention, startLogRetention } from "./audit/log-retention.ts";
import { type AuditSealer, startAuditSealer } from "./audit/sealer.ts";
import { JOB_HANDLERS, metricsOf } from "./deps.ts";
import { loadConfig } from "./env.ts";
import { startWebhookDelivery } from "./events/delivery.ts";
import { describeFailure } from "./failure.ts";
import { createHttpServer } from "./http/client-errors.ts";
import { type JobWorker, startJobWorker } from "./jobs/worker.ts";
import { createLogger, type Logger } from "./logger.ts";
import { metricsListenerApp } from "./metrics/endpoint.ts";
import type { PeriodicTask } from "./periodic.ts";
import { createScimRuntime, type ScimRuntime } from "./scim/index.ts";

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
	// V8 lets the old generation grow to about 4× what survived the last full GC before collecting again;
	// under SCIM load that is ~25 MB live and ~115 MB of promoted garbage. 2× holds the peak near 155 MB
	// for the same throughput (decision 0229). Read at every GC, so setting it here is enough.
	setFlagsFromString("--heap-growing-percent=100");
	const config = loadConfig();
	const logger = createLogger({ level: config.logLevel });
	if (config.secretSource !== "environment") {
		logger.warn(
			{ secretFile: config.secretFile },
			"ROSTER_SECRET is not set: using a generated development secret; set ROSTER_SECRET in production",
		);
	}
	const db = await createDatabase(config.databaseUrl);
	try {
		await migrate(db);
	} catch (error) {
		await db.close();
		throw error;
	}
	const scim = config.scimEnabled ? createScimRuntime({ db, logger, redisUrl: config.redisUrl }) : undefined;
	const sealer =
		config.auditSealIntervalMs > 0
			? startAuditSealer({
					db: db.db,
					keyring: auditChainKeyring(config.secret),
					intervalMs: config.auditSealIntervalMs,
					logger,
				})
			: undefined;
	const retention =
		config.logPruneIntervalMs > 0
			? startLogRetention({ db: db.db, intervalMs: config.logPruneIntervalMs, logger })
			: undefined;
	const jobs =
		config.jobPollIntervalMs > 0
			? startJobWorker({
					db: db.db,
					handlers: JOB_HANDLERS,
					intervalMs: config.jobPollIntervalMs,
					leaseMs: config.jobLeaseMs,
					logger,
				})
			: undefined;
	const metrics = metricsOf(db, scim, logger);
	const webhooks =
		config.webhookDeliveryIntervalMs > 0
			? startWebhookDelivery({
					db: db.db,
					secret: config.secret,
					policy: { allowPrivateNetworks: config.webhookAllowPrivateNetworks },
					timeoutMs: config.webhookTimeoutMs,
					retryBaseMs: config.webhookRetryBaseMs,
					intervalMs: config.webhookDeliveryIntervalMs,
					logger,
					onAttempt: (outcome) => {
						if (outcome.failure) metrics.webhooks.failures.inc({ reason: outcome.failure });
						if (outcome.lagSeconds !== undefined) metrics.webhooks.lag.observe(outcome.lagSeconds);
					},
				})
			: undefined;
	const app = createApp({ db, config, logger, scim, metrics });
	/** Listens on `port`, logging `message` with the address once listening; failing to listen ends boot. */
	const listen = (server: Server, port: number, host: string, message: string, extra: object = {}) => {
		server.listen(port, host);
		server.once("error", (error) => {
			process.stderr.write(`${describeFailure(error)}\n`);
			void db.close().finally(() => process.exit(1));
		});
		server.once("listening", () => {
			const address = server.address() as AddressInfo;
			logger.info({ url: `http://${host}:${address.port}`, ...extra }, message);
		});
		return server;
	};
	const server = createHttpServer(app.fetch, config.host);
	listen(server, config.port, config.host, "Roster is listening", { database: db.url });
	const metricsServer =
		config.metricsPort === undefined
			? undefined
			: listen(
					createHttpServer(metricsListenerApp(metrics.registry, logger).fetch, config.metricsHost),
					config.metricsPort,
					config.metricsHost,
					"metrics listener is listening",
				);
	const stop = (signal: NodeJS.Signals) =>
		void shutdown(signal, server, { db, scim, sealer, retention, jobs, webhooks, metricsServer, logger });
	process.once("SIGTERM", stop);
	process.once("SIGINT", stop);
}

/**
 * Stops accepting connections, lets in-flight requests finish for up to 10 s, flushes buffered SCIM
 * activity, seals the audit events those requests wrote, then closes the database so a PGlite directory
 * is released cleanly before exiting 0.
 */
async function shutdown(
	signal: NodeJS.Signals,
	server: Server,
	{
		db,
		scim,
		sealer,
		retention,
		jobs,
		webhooks,
		metricsServer,
		logger,
	}: {
		db: DatabaseHandle;
		scim: ScimRuntime | undefined;
		sealer: AuditSealer | undefined;
		retention: LogRetention | undefined;
		jobs: JobWorker | undefined;
		webhooks: PeriodicTask | undefined;
		metricsServer: Server | undefined;
		logger: Logger;
	},
): Promise<void> {
	logger.info({ signal }, "shutting down");
	metricsServer?.close();
	metricsServer?.closeAllConnections();
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	if ("closeIdleConnections" in server) server.closeIdleConnections();
	const deadline = setTimeout(() => {
		logger.warn("in-flight requests did not finish in time; closing their connections");
		if ("closeAllConnections" in server) server.closeAllConnections();
	}, SHUTDOWN_GRACE_MS);
	deadline.unref();
	await closed;
	clearTimeout(deadline);
	try {
		await retention?.stop();
		await jobs?.stop();
		await webhooks?.stop();
		await scim?.close();
		await sealer?.stop();
		await db.close();
	} catch (error) {
		logger.error({ err: error }, "flushing SCIM activity or closing the database failed");
		process.exit(1);
	}
	logger.info("stopped");
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`${describeFailure(error)}\n`);
	process.exit(1);
});
