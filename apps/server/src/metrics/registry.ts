import { withTimeout } from "@roster/db";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../logger.ts";

/** How long a scrape waits for a database read before leaving its metrics out. */
const DATABASE_READ_TIMEOUT_MS = 1000;

/** Seconds: most SCIM requests take a few milliseconds (the p99 goal is 10 ms), a big Bulk seconds. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a deactivation or DELETE ends sessions and recomputes access in its transaction. */
const DEPROVISION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** How far audit sealing is behind, as `sealingBacklog` reads it. */
export interface SealingBacklog {
	unsealed: number;
	oldestAgeSeconds: number;
}

/** A SCIM connection that can call, as `callableConnections` reads it. */
export interface CallableConnection {
	connectionId: string;
	organization: string;
	name: string;
	/** Unix seconds of its last request, or of its oldest live token when it never sent one. */
	quietSince: number;
}

/** Background jobs of one kind waiting (`queued`) or being run (`running`), as `jobQueueDepth` reads them. */
export interface JobQueueDepth {
	kind: string;
	status: "queued" | "running";
	count: number;
}

/** What a scrape reads besides the instruments; a source left out leaves its metrics out. */
export interface MetricSources {
	/** Provisioning-log rows waiting to be written. */
	pendingLogRows?: () => number;
	/** SCIM requests refused so far, per limiter name. */
	rateLimitRefusals?: () => Readonly<Record<string, number>>;
	sealingBacklog?: () => Promise<SealingBacklog>;
	callableConnections?: () => Promise<readonly CallableConnection[]>;
	jobQueueDepth?: () => Promise<readonly JobQueueDepth[]>;
}

/** The instruments the SCIM adapter records into on every request. */
export interface ScimInstruments {
	requests: Counter<"connection" | "resource" | "method" | "status">;
	duration: Histogram<"resource" | "method">;
	/** Requests that deactivated or deleted a user: from receipt to the answer, which follows the commit. */
	deprovisionDuration: Histogram<"method">;
}

/** The instruments webhook delivery records into on every attempt. */
export interface WebhookInstruments {
	/** Failed attempts, by reason: the receiver's status class (`4xx`, `5xx`, `3xx`), `timeout`, `network`. */
	failures: Counter<"reason">;
	/** Seconds from an event's commit to its receiver's 2xx. */
	lag: Histogram;
}

/** One app's metrics: its own registry (never prom-client's global one) and the instruments recorded into. */
export interface ServerMetrics {
	registry: Registry;
	scim: ScimInstruments;
	webhooks: WebhookInstruments;
}

/**
 * `read` with a timeout, shared: the gauges one scrape collects together share one answer, and a read
 * still running (a stalled database) is waited on again rather than started twice. A failed or late read
 * answers undefined (logged), so its metrics are left out of that scrape instead of failing it.
 */
function sharedRead<T>(logger: Logger, what: string, read: () => Promise<T>): () => Promise<T | undefined> {
	let reading: Promise<T> | undefined;
	let answer: Promise<T | undefined> | undefined;
	return () => {
		if (answer) return answer;
		reading ??= read().finally(() => {
			reading = undefined;
		});
		answer = withTimeout(reading, DATABASE_READ_TIMEOUT_MS)
			.catch((error: unknown) => {
				logger.warn({ err: error }, `metrics: reading ${what} failed; its metrics are left out`);
				return undefined;
			})
			.finally(() => {
				answer = undefined;
			});
		return answer;
	};
}

/**
 * A registry with Node's process metrics, the SCIM instruments, and gauges read from `sources` at scrape
 * time. Every label value is bounded: connection ids (or `none`), SCIM endpoint names, HTTP methods and
 * statuses, limiter names. See docs/operations/metrics.md.
 */
export function createServerMetrics(sources: MetricSources, logger: Logger): ServerMetrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	const registers = [registry];
	const scim: ScimInstruments = {
		requests: new Counter({
			name: "roster_scim_requests_total",
			help: "SCIM requests answered, by connection id (none before authentication), endpoint, method and status.",
			labelNames: ["connection", "resource", "method", "status"],
			registers,
		}),
		duration: new Histogram({
			name: "roster_scim_request_duration_seconds",
			help: "Time to answer a SCIM request, by endpoint and method.",
			labelNames: ["resource", "method"],
			buckets: REQUEST_BUCKETS,
			registers,
		}),
		deprovisionDuration: new Histogram({
			name: "roster_scim_deprovision_duration_seconds",
			help: "Time to answer a SCIM request that deactivated or deleted a user (access ends at its commit), by method.",
			labelNames: ["method"],
			buckets: DEPROVISION_BUCKETS,
			registers,
		}),
	};
	const webhooks: WebhookInstruments = {
		failures: new Counter({
			name: "roster_webhook_delivery_failures_total",
			help: "Webhook delivery attempts that failed, by reason (4xx, 5xx, 3xx, timeout, network).",
			labelNames: ["reason"],
			registers,
		}),
		lag: new Histogram({
			name: "roster_webhook_delivery_lag_seconds",
			help: "Time from an event's commit to its webhook receiver's 2xx.",
			buckets: DEPROVISION_BUCKETS,
			registers,
		}),
	};
	const { pendingLogRows, rateLimitRefusals, sealingBacklog, callableConnections, jobQueueDepth } = sources;
	if (pendingLogRows) {
		new Gauge({
			name: "roster_provisioning_log_pending_rows",
			help: "Provisioning-log rows buffered in this process and not yet written.",
			registers,
			collect() {
				this.set(pendingLogRows());
			},
		});
	}
	if (rateLimitRefusals) {
		new Counter({
			name: "roster_scim_rate_limit_rejections_total",
			help: "SCIM requests this process refused with 429, by limiter (address, address-failures, connection).",
			labelNames: ["limiter"],
			registers,
			collect() {
				this.reset();
				for (const [limiter, refused] of Object.entries(rateLimitRefusals())) this.inc({ limiter }, refused);
			},
		});
	}
	if (sealingBacklog) {
		const read = sharedRead(logger, "the audit sealing backlog", sealingBacklog);
		new Gauge({
			name: "roster_audit_unsealed_events",
			help: "Audit events not yet linked into their organization's hash chain (counted up to 100000).",
			registers,
			async collect() {
				const backlog = await read();
				if (backlog) this.set(backlog.unsealed);
				else this.remove();
			},
		});
		new Gauge({
			name: "roster_audit_sealer_lag_seconds",
			help: "Age of the oldest audit event not yet sealed; 0 when every event is sealed.",
			registers,
			async collect() {
				const backlog = await read();
				if (backlog) this.set(backlog.oldestAgeSeconds);
				else this.remove();
			},
		});
	}
	if (callableConnections) {
		const read = sharedRead(logger, "the SCIM connections", callableConnections);
		new Gauge({
			name: "roster_scim_connection_last_request_timestamp_seconds",
			help: "Unix time of a callable SCIM connection's last request (of its oldest live token if it never sent one).",
			labelNames: ["connection"],
			registers,
			async collect() {
				const connections = await read();
				this.reset();
				for (const found of connections ?? []) this.set({ connection: found.connectionId }, found.quietSince);
			},
		});
		new Gauge({
			name: "roster_scim_connection_info",
			help: "1 for each callable SCIM connection, naming its organization (slug) and its name.",
			labelNames: ["connection", "organization", "name"],
			registers,
			async collect() {
				const connections = await read();
				this.reset();
				for (const found of connections ?? []) {
					this.set({ connection: found.connectionId, organization: found.organization, name: found.name }, 1);
				}
			},
		});
	}
	if (jobQueueDepth) {
		const read = sharedRead(logger, "the job queue", jobQueueDepth);
		new Gauge({
			name: "roster_job_queue_depth",
			help: "Background jobs waiting (queued, retries included) or running, by kind and status, across all replicas.",
			labelNames: ["kind", "status"],
			registers,
			async collect() {
				const depth = await read();
				this.reset();
				for (const found of depth ?? []) this.set({ kind: found.kind, status: found.status }, found.count);
			},
		});
	}
	return { registry, scim, webhooks };
}
