import { type Database, type Executor, rows } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";
import { type StoredAuditEvent, selectAuditEvents } from "../audit/events.ts";
import type { ScimAuditAction } from "../audit/scim-events.ts";
import { OperationError } from "../operation-error.ts";

/** The public name of each audit action host applications hear about; no other action leaves Roster. */
const EVENT_TYPES: Record<ScimAuditAction, string> = {
	SCIM_USER_PROVISIONED: "user.provisioned",
	SCIM_USER_UPDATED: "user.updated",
	SCIM_USER_DEPROVISIONED: "user.deprovisioned",
	SCIM_USER_REACTIVATED: "user.reactivated",
	SCIM_USER_DELETED: "user.deleted",
	SCIM_GROUP_PROVISIONED: "group.provisioned",
	SCIM_GROUP_SYNCED: "group.synced",
	SCIM_GROUP_DELETED: "group.deleted",
	SCIM_USER_ACCESS_CHANGED: "access.changed",
};

export const EVENT_TYPE_NAMES: readonly string[] = Object.values(EVENT_TYPES);

const PUBLISHED_ACTIONS = sql.join(
	Object.keys(EVENT_TYPES).map((action) => sql`${action}`),
	sql`, `,
);

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

const CURSOR_PREFIX = "evt_";
const MAX_BIGINT = 9223372036854775807n;

/** One event as host applications receive it, from the feed or a webhook. */
export interface PublicEvent {
	/** Also the feed cursor: pass it as `after` to read what came next. */
	id: string;
	type: string;
	occurredAt: string;
	data: {
		/** The changed user or group. */
		subject: { type: "User" | "Group"; id: string; name: string };
		/** Changed fields, old and new, as the audit trail records them (access tiers included). */
		changes: Record<string, { old: unknown; new: unknown }>;
		/** The access tier before and after, when the change moved it. */
		access?: { old: unknown; new: unknown };
		/** Every project role the user held before and after, when the change moved any. */
		roles?: { old: unknown; new: unknown };
		/** Why the user's access changed, for `access.changed`: the group or the role mapping that moved it. */
		cause?: unknown;
		/** Users recomputed and changed by a group or mapping change. */
		usersRecomputed?: number;
		usersChanged?: number;
		/** Sessions the deprovisioning or deletion ended in the same transaction. */
		sessionsEnded?: number;
	};
}

/** The opaque cursor of an audit event id: what host applications see as event ids. */
export function eventCursor(auditId: string | number | bigint): string {
	return `${CURSOR_PREFIX}${auditId}`;
}

/**
 * Reads a cursor back into an audit id, refusing anything not made by `eventCursor` (`OperationError`
 * "invalid", which adapters answer with 400). `evt_0` is the start of the feed.
 */
export function parseEventCursor(cursor: string): string {
	const digits = cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : "";
	if (!/^(0|[1-9][0-9]{0,18})$/.test(digits) || BigInt(digits) > MAX_BIGINT) {
		throw new OperationError("invalid", `Not an event cursor: ${JSON.stringify(cursor.slice(0, 40))}`);
	}
	return digits;
}

/** The public shape of a stored SCIM audit event: no actor details, request metadata or chain columns. */
export function publicEvent(event: StoredAuditEvent): PublicEvent {
	const changes = (event.changes ?? {}) as PublicEvent["data"]["changes"];
	const metadata = (event.metadata ?? {}) as Record<string, unknown>;
	const access = changes.accessTier;
	const roles = changes.projectRoles;
	return {
		id: eventCursor(event.id),
		type: EVENT_TYPES[event.action as ScimAuditAction] ?? event.action,
		occurredAt: event.occurredAt,
		data: {
			subject: {
				type: event.entity.type === "Group" ? "Group" : "User",
				id: event.entity.id ?? "",
				name: event.entity.name ?? "",
			},
			changes,
			...(access && { access }),
			...(roles && { roles }),
			...(metadata.cause !== undefined && { cause: metadata.cause }),
			...(typeof metadata.usersRecomputed === "number" && { usersRecomputed: metadata.usersRecomputed }),
			...(typeof metadata.usersChanged === "number" && { usersChanged: metadata.usersChanged }),
			...(typeof metadata.sessionsKilled === "number" && { sessionsEnded: metadata.sessionsKilled }),
		},
	};
}

/**
 * The one rule of what host applications may see: the organization's published events after audit id
 * `after`, sealed only. The sealer links an event only once every lower id is final (docs/decisions/0091),
 * so a reader that moved past an id can never later find a smaller one committed behind it (decision 0230).
 * Both arguments may be SQL (a column of the webhook endpoint being claimed).
 */
export function publishedAfter(orgId: SQL | string, after: SQL | string): SQL {
	return sql`audit_events.org_id = ${orgId} and audit_events.id > ${after}::bigint and audit_events.hash is not null
		and audit_events.action in (${PUBLISHED_ACTIONS})`;
}

/** The published events after `after`, in id order, at most `limit`. */
export async function publishedEventsAfter(
	db: Executor,
	orgId: string,
	after: string,
	limit: number,
): Promise<StoredAuditEvent[]> {
	return selectAuditEvents(db, publishedAfter(orgId, after), limit);
}

/** How many published events wait after `after`, counted up to `cap`. */
export async function countPublishedAfter(
	db: Executor,
	orgId: string,
	after: string,
	cap: number,
): Promise<number> {
	const [counted] = await rows<{ n: number }>(
		db,
		sql`select count(*)::int as n from (select 1 from audit_events where ${publishedAfter(orgId, after)} limit ${cap}) waiting`,
	);
	return counted?.n ?? 0;
}

/** The published events after `after` by public type, and the last id among them: a burst in one line. */
export async function summarizePublishedAfter(
	db: Executor,
	orgId: string,
	after: string,
): Promise<{ counts: Record<string, number>; through: string }> {
	const found = await rows<{ action: ScimAuditAction; n: number; through: string }>(
		db,
		sql`select action, count(*)::int as n, max(id)::text as through from audit_events
			where ${publishedAfter(orgId, after)} group by action`,
	);
	const counts: Record<string, number> = {};
	let through = BigInt(after);
	for (const row of found) {
		counts[EVENT_TYPES[row.action]] = row.n;
		if (BigInt(row.through) > through) through = BigInt(row.through);
	}
	return { counts, through: through.toString() };
}

/** One page of the events feed. */
export interface EventPage {
	events: PublicEvent[];
	/** Pass as `after` next time: the last event's id, or the given cursor when nothing new is ready. */
	next: string;
	/** True when more events were ready than the page held. */
	hasMore: boolean;
}

/** A page of `GET /api/v1/events`: `after` is a cursor from `eventCursor` (or absent for the start). */
export async function readEventFeed(
	db: Database,
	orgId: string,
	input: { after?: string; limit?: number },
): Promise<EventPage> {
	const after = parseEventCursor(input.after ?? eventCursor(0));
	const limit = input.limit ?? FEED_DEFAULT_LIMIT;
	const found = await publishedEventsAfter(db, orgId, after, limit + 1);
	const page = found.slice(0, limit);
	const last = page.at(-1);
	return {
		events: page.map(publicEvent),
		next: eventCursor(last ? last.id : after),
		hasMore: found.length > limit,
	};
}
