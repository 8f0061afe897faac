import { type Database, rows } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";
import { pageAuditEvents, type StoredAuditEvent } from "./events.ts";
import { csvLine, eventsOf } from "./export.ts";
import type { AuditOutputFormat } from "./options.ts";
import { ACCESS_ENDING_ACTIONS } from "./scim-events.ts";
import { latestEventsPage, type Page } from "./viewer.ts";

/** One line of the offboarding report: when the IdP asked, when access ended, and what was cut. */
export interface OffboardingRecord {
	eventId: string;
	action: string;
	userId: string | null;
	userName: string | null;
	/** When the IdP's request reached Roster (`metadata.receivedAt`). */
	requestedAt: string | null;
	/** When the transaction that killed the sessions and dropped access ran (the event's `occurredAt`). */
	accessEndedAt: string;
	secondsToAccessEnd: number | null;
	sessionsKilled: number | null;
	requestId: string | null;
	connection: string | null;
	/** The event's chain hash (null until sealed), tying the line to `audit verify`. */
	eventHash: string | null;
}

/** The condition that picks the offboarding events out of the audit trail. */
const OFFBOARDING_ACTION: SQL = sql`action in (${sql.join(
	ACCESS_ENDING_ACTIONS.map((action) => sql`${action}`),
	sql`, `,
)})`;

const CSV_COLUMNS: [string, keyof OffboardingRecord][] = [
	["event_id", "eventId"],
	["action", "action"],
	["user_id", "userId"],
	["user_name", "userName"],
	["requested_at", "requestedAt"],
	["access_ended_at", "accessEndedAt"],
	["seconds_to_access_end", "secondsToAccessEnd"],
	["sessions_killed", "sessionsKilled"],
	["request_id", "requestId"],
	["connection", "connection"],
	["event_hash", "eventHash"],
];

/**
 * The offboarding evidence regulated customers (DORA) show: every deprovisioning and deletion of an
 * organization's users, optionally from `since` on, read a page at a time from the audit trail.
 */
export async function* offboardingReportLines(
	db: Database,
	options: { orgId: string; since: Date | undefined; format: AuditOutputFormat },
): AsyncGenerator<string> {
	if (options.format === "csv") yield csvLine(CSV_COLUMNS.map(([column]) => column));
	for await (const event of pageAuditEvents(db, eventsOf(options.orgId, options.since, OFFBOARDING_ACTION))) {
		const record = offboardingRecord(event);
		yield options.format === "csv"
			? csvLine(CSV_COLUMNS.map(([, field]) => record[field]))
			: `${JSON.stringify(record)}\n`;
	}
}

/**
 * One page of the offboarding report for the console, newest first (keyset on the event id), with the
 * latency summary of the whole window so the page and its headline agree.
 */
export async function offboardingPage(
	db: Database,
	orgId: string,
	input: { since: Date | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<OffboardingRecord> & { summary: OffboardingLatency }> {
	const page = await latestEventsPage(db, eventsOf(orgId, input.since), {
		...input,
		actions: ACCESS_ENDING_ACTIONS,
	});
	return {
		rows: page.rows.map(offboardingRecord),
		nextCursor: page.nextCursor,
		summary: await offboardingLatency(db, orgId, input.since),
	};
}

/** Reads the offboarding facts out of one audit event; fields the event lacks are null, never guessed. */
function offboardingRecord(event: StoredAuditEvent): OffboardingRecord {
	const metadata = (event.metadata ?? {}) as Record<string, unknown>;
	const requestedAt = typeof metadata.receivedAt === "string" ? metadata.receivedAt : null;
	const requested = requestedAt === null ? Number.NaN : Date.parse(requestedAt);
	const ended = Date.parse(event.occurredAt);
	return {
		eventId: event.id,
		action: event.action,
		userId: event.entity.id,
		userName: event.entity.name,
		requestedAt,
		accessEndedAt: event.occurredAt,
		secondsToAccessEnd: Number.isNaN(requested) ? null : Math.round(ended - requested) / 1000,
		sessionsKilled: typeof metadata.sessionsKilled === "number" ? metadata.sessionsKilled : null,
		requestId: typeof metadata.requestId === "string" ? metadata.requestId : null,
		connection: event.actor.name,
		eventHash: event.hash,
	};
}

/** How fast leavers lost access: the count of offboarding events and the p50/p99 of request → access ended. */
export interface OffboardingLatency {
	/** Offboarding events in the window, including those without a recorded request time. */
	count: number;
	/** Median seconds from the IdP's request to the end of access (interpolated); null with no timed event. */
	p50Seconds: number | null;
	/** 99th percentile of the same (interpolated); null with no timed event. */
	p99Seconds: number | null;
}

/**
 * The deprovision latency of an organization's leavers from `since` on, computed in the database in one
 * aggregate (no rows are loaded), for the dashboard and the offboarding report's summary. The seconds are
 * the report's `secondsToAccessEnd`: `occurredAt − metadata.receivedAt` in whole milliseconds.
 */
export async function offboardingLatency(
	db: Database,
	orgId: string,
	since: Date | undefined,
): Promise<OffboardingLatency> {
	// Milliseconds as the report reads them: the event time truncated to the millisecond (as Date.parse does).
	const seconds = sql`(floor(extract(epoch from occurred_at) * 1000)
		- round(extract(epoch from (metadata->>'receivedAt')::timestamptz) * 1000)) / 1000`;
	const timed = sql`metadata ? 'receivedAt'`;
	const [row] = await rows<{ count: number; p50: number | null; p99: number | null }>(
		db,
		sql`select count(*)::int as count,
			(percentile_cont(0.5) within group (order by ${seconds}) filter (where ${timed}))::float8 as p50,
			(percentile_cont(0.99) within group (order by ${seconds}) filter (where ${timed}))::float8 as p99
			from audit_events where ${eventsOf(orgId, since, OFFBOARDING_ACTION)}`,
	);
	return { count: row?.count ?? 0, p50Seconds: row?.p50 ?? null, p99Seconds: row?.p99 ?? null };
}
