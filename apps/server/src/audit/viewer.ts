import { type Database, rows } from "@roster/db";
import type { AuditFilterInput } from "@roster/domain/inputs/audit";
import { type SQL, sql } from "drizzle-orm";
import { type StoredAuditEvent, selectLatestAuditEvents, selectLatestAuditEventsOf } from "./events.ts";
import { auditFilterWhere } from "./filters.ts";

/** One page of rows, newest first, and the cursor of the next (older) page, if any. */
export interface Page<Row> {
	rows: Row[];
	nextCursor: string | null;
}

/** An audit event as the console shows it: plain JSON, chain columns reduced to what a reader needs. */
export interface AuditRow {
	id: string;
	occurredAt: string;
	actor: StoredAuditEvent["actor"];
	action: string;
	entity: StoredAuditEvent["entity"];
	changes: unknown;
	metadata: unknown;
	/** The event's chain hash; null until the sealer has linked it (within about a second). */
	hash: string | null;
}

/**
 * Reads one page of events matching `where`, newest first, from `cursor` (an event id, exclusive)
 * backwards: keyset paging over the `(org_id, id)` index, so page 1,000 costs what page 1 does. One extra
 * row tells whether an older page exists.
 */
export async function latestEventsPage(
	db: Database,
	where: SQL,
	options: { cursor?: string | undefined; limit: number; actions?: readonly string[] | undefined },
): Promise<Page<StoredAuditEvent>> {
	const before = options.cursor === undefined ? sql`true` : sql`audit_events.id < ${options.cursor}::bigint`;
	const condition = sql`${where} and ${before}`;
	const found =
		options.actions && options.actions.length > 0
			? await selectLatestAuditEventsOf(db, condition, options.actions, options.limit + 1)
			: await selectLatestAuditEvents(db, condition, options.limit + 1);
	const page = found.slice(0, options.limit);
	return { rows: page, nextCursor: found.length > options.limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * A page of an organization's audit trail for the console's viewer, filtered as `filter` says; an action
 * filter is answered through the action index (see `selectLatestAuditEventsOf`).
 */
export async function listAuditEvents(
	db: Database,
	orgId: string,
	input: AuditFilterInput & { cursor?: string | undefined; limit: number },
): Promise<Page<AuditRow>> {
	const { actions, ...rest } = input;
	const page = await latestEventsPage(db, auditFilterWhere(orgId, rest), { ...input, actions });
	return {
		nextCursor: page.nextCursor,
		rows: page.rows.map((event) => ({
			id: event.id,
			occurredAt: event.occurredAt,
			actor: event.actor,
			action: event.action,
			entity: event.entity,
			changes: event.changes,
			metadata: event.metadata,
			hash: event.hash,
		})),
	};
}

/** The most distinct actions the filter picker lists. */
const MAX_ACTIONS = 100;

/**
 * The distinct actions in an organization's trail, alphabetically, for the viewer's filter picker. A
 * skip scan over the `(org_id, action)` index (one index probe per distinct action), so it does not read
 * a million events to find a dozen names.
 */
export async function auditActions(db: Database, orgId: string): Promise<string[]> {
	const found = await rows<{ action: string }>(
		db,
		sql`with recursive actions(action, n) as (
			(select action, 1 from audit_events where org_id = ${orgId} order by action limit 1)
			union all
			select (select e.action from audit_events e where e.org_id = ${orgId} and e.action > a.action
				order by e.action limit 1), a.n + 1
			from actions a where a.action is not null and a.n < ${MAX_ACTIONS}
		)
		select action from actions where action is not null`,
	);
	return found.map((row) => row.action);
}
