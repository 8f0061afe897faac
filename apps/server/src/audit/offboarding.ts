import { type Database, rows } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";
import { pageAuditEvents, type StoredAuditEvent } from "./events.ts";
import { csvLine, eventsOf } from "./export.ts";
import type { AuditOutputFormat } from "./options.ts";

/** The SCIM actions that end a user's access; the report lists each of them. */
const OFFBOARDING_ACTIONS = ["SCIM_USER_DEPROVISIONED", "SCIM_USER_DELETED"];

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
	OFFBOARDING_ACTIONS.map((action) => sql`${action}`),
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
 * the report's `secondsToAccessEnd`: `occurredAt − metadata.receivedAt`, rounded to the millisecond.
 */
export async function offboardingLatency(
	db: Database,
	orgId: string,
	since: Date | undefined,
): Promise<OffboardingLatency> {
	const seconds = sql`round((extract(epoch from occurred_at) * 1000)::numeric
		- (extract(epoch from (metadata->>'receivedAt')::timestamptz) * 1000)::numeric) / 1000`;
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
