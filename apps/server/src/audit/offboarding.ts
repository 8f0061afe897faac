import type { Database } from "@roster/db";
import { sql } from "drizzle-orm";
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
	const actions = sql`action in (${sql.join(
		OFFBOARDING_ACTIONS.map((action) => sql`${action}`),
		sql`, `,
	)})`;
	for await (const event of pageAuditEvents(db, eventsOf(options.orgId, options.since, actions))) {
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
