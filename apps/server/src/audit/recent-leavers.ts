import { type Database, rows } from "@roster/db";
import { sql } from "drizzle-orm";

/** One of the latest offboardings: who, through which connection, and how long access took to end. */
export interface RecentLeaver {
	eventId: string;
	action: "SCIM_USER_DEPROVISIONED" | "SCIM_USER_DELETED";
	userId: string | null;
	userName: string | null;
	connection: string | null;
	/** When the IdP's request reached Roster, ISO-8601; null on events that did not record it. */
	requestedAt: string | null;
	/** When the transaction that ended access committed its audit event, ISO-8601. */
	accessEndedAt: string;
	secondsToAccessEnd: number | null;
	sessionsKilled: number | null;
}

interface LeaverRow {
	event_id: string;
	action: RecentLeaver["action"];
	user_id: string | null;
	user_name: string | null;
	connection: string | null;
	requested_at: string | null;
	access_ended_at: string;
	seconds: number | null;
	sessions_killed: number | null;
}

/**
 * The organization's latest `limit` deprovisionings and deletions, newest first, from the audit trail
 * (the offboarding report's facts: `metadata.receivedAt` to the event's time). Reads the newest end of
 * the `(org_id, id)` index backwards and stops after `limit` matches.
 */
export async function recentLeavers(db: Database, orgId: string, limit: number): Promise<RecentLeaver[]> {
	const found = await rows<LeaverRow>(
		db,
		sql`select id::text as event_id, action, entity_id as user_id, entity_name as user_name,
				actor_name as connection,
				metadata->>'receivedAt' as requested_at,
				to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as access_ended_at,
				case when metadata->>'receivedAt' is not null
					then round(extract(epoch from occurred_at - (metadata->>'receivedAt')::timestamptz) * 1000) / 1000
				end::float8 as seconds,
				case when jsonb_typeof(metadata->'sessionsKilled') = 'number'
					then (metadata->>'sessionsKilled')::int
				end as sessions_killed
			from audit_events
			where org_id = ${orgId}::uuid and action in ('SCIM_USER_DEPROVISIONED', 'SCIM_USER_DELETED')
			order by id desc
			limit ${limit}`,
	);
	return found.map((row) => ({
		eventId: row.event_id,
		action: row.action,
		userId: row.user_id,
		userName: row.user_name,
		connection: row.connection,
		requestedAt: row.requested_at,
		accessEndedAt: row.access_ended_at,
		secondsToAccessEnd: row.seconds === null ? null : Number(row.seconds),
		sessionsKilled: row.sessions_killed,
	}));
}
