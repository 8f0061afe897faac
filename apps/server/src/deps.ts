import type { DatabaseHandle } from "@roster/db";
import { recomputeJobHandler } from "./access/recompute-job.ts";
import { logRetentionJobHandler } from "./audit/log-retention.ts";
import { sealingBacklog } from "./audit/sealer.ts";
import { callableConnections } from "./connections/health.ts";
import type { Config } from "./env.ts";
import { userImportJob } from "./imports/job.ts";
import { jobQueueDepth } from "./jobs/reads.ts";
import type { JobHandler } from "./jobs/worker.ts";
import type { Logger } from "./logger.ts";
import { createServerMetrics, type ServerMetrics } from "./metrics/registry.ts";
import type { ScimRuntime } from "./scim/runtime.ts";

/** What `createApp` needs from boot; tests pass their own database handle and a temp console dir. */
export interface AppDeps {
	db: DatabaseHandle;
	config: Config;
	logger: Logger;
	consoleDir?: string;
	/** SCIM buffers and limiters; boot passes its own so shutdown can flush them. */
	scim?: ScimRuntime;
	/** Boot passes its own (`metricsOf`) so the metrics listener serves the app's registry. */
	metrics?: ServerMetrics;
}

/** Every kind of background job, run by each process's job worker. */
export const JOB_HANDLERS: readonly JobHandler[] = [
	recomputeJobHandler,
	logRetentionJobHandler,
	userImportJob,
];

/**
 * One app's metrics over its database and SCIM runtime: the provisioning-log buffer and the rate limits
 * are read from the runtime, sealing and connection activity from the database, all at scrape time.
 */
export function metricsOf(db: DatabaseHandle, scim: ScimRuntime | undefined, logger: Logger): ServerMetrics {
	return createServerMetrics(
		{
			...(scim && {
				pendingLogRows: () => scim.activity.pendingRows,
				rateLimitRefusals: () => scim.rateLimits.refusals(),
			}),
			sealingBacklog: () => sealingBacklog(db.db),
			callableConnections: () => callableConnections(db.db),
			jobQueueDepth: () =>
				jobQueueDepth(
					db.db,
					JOB_HANDLERS.map((handler) => handler.kind),
				),
		},
		logger,
	);
}
