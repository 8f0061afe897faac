import { type Database, rows, type Transaction } from "@roster/db";
import type { ChainedAuditEvent } from "@roster/domain";
import { type SQL, sql } from "drizzle-orm";

/** An audit event as the chain, the verifier and the exports read it, with its chain columns. */
export interface StoredAuditEvent extends ChainedAuditEvent {
	prevHash: string | null;
	hash: string | null;
	/** The chain key version of the link (0 legacy unkeyed, 1+ keyed); null until sealed. */
	keyVersion: number | null;
}

interface RawAuditEvent {
	id: string;
	org_id: string;
	occurred_at: string;
	actor_type: string;
	actor_id: string | null;
	actor_name: string | null;
	action: string;
	entity_type: string | null;
	entity_id: string | null;
	entity_name: string | null;
	changes: string;
	metadata: string;
	prev_hash: string | null;
	hash: string | null;
	chain_key_version: number | null;
}

/**
 * The columns every audit reader selects. Ids, the timestamp (UTC, microseconds) and the jsonb columns
 * come back as text and are parsed here, so PostgreSQL and PGlite, whatever their type parsers, hand
 * the sealer and the verifier exactly the same values.
 */
const COLUMNS = sql`id::text as id, org_id::text as org_id,
	to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
	actor_type, actor_id, actor_name, action, entity_type, entity_id, entity_name,
	changes::text as changes, metadata::text as metadata, prev_hash, hash, chain_key_version::int as chain_key_version`;

/**
 * Reads audit events matching `where`, in id order, at most `limit` of them. Callers page with an
 * `id > cursor` condition (keyset), so a long history is never loaded whole. The ORDER BY names the table
 * column: a bare `id` would sort by the text alias, putting 10 before 9.
 */
export async function selectAuditEvents(
	db: Database | Transaction,
	where: SQL,
	limit: number,
): Promise<StoredAuditEvent[]> {
	const found = await rows<RawAuditEvent>(
		db,
		sql`select ${COLUMNS} from audit_events where ${where} order by audit_events.id limit ${limit}`,
	);
	return found.map(toStoredEvent);
}

/**
 * The newest audit events matching `where`, highest id first, at most `limit`: a page of the console's
 * viewer, which pages backwards with an `id < cursor` condition.
 */
export async function selectLatestAuditEvents(
	db: Database | Transaction,
	where: SQL,
	limit: number,
): Promise<StoredAuditEvent[]> {
	const found = await rows<RawAuditEvent>(
		db,
		sql`select ${COLUMNS} from audit_events where ${where} order by audit_events.id desc limit ${limit}`,
	);
	return found.map(toStoredEvent);
}

/**
 * The newest events matching `where` whose action is one of `actions`, highest id first, at most `limit`:
 * one `(org_id, action, id)` index walk per action, merged. A plain `action in (…) order by id desc limit n`
 * lets PostgreSQL (above all with a cached generic plan, which guesses half the rows match) walk the
 * organization's whole `(org_id, id)` index backwards looking for a rare action; ordering each branch by
 * `action, id` leaves only the action index able to answer without a sort.
 */
export async function selectLatestAuditEventsOf(
	db: Database | Transaction,
	where: SQL,
	actions: readonly string[],
	limit: number,
): Promise<StoredAuditEvent[]> {
	if (actions.length === 0) return [];
	const branches = actions.map(
		(action) => sql`(select audit_events.id as seq, ${COLUMNS} from audit_events
			where ${where} and action = ${action}
			order by audit_events.action desc, audit_events.id desc limit ${limit})`,
	);
	const found = await rows<RawAuditEvent>(
		db,
		sql`select * from (${sql.join(branches, sql` union all `)}) as picked order by seq desc limit ${limit}`,
	);
	return found.map(toStoredEvent);
}

/**
 * Every audit event matching `where`, in id order, fetched a page at a time with an `id > cursor`
 * condition added to `where`.
 */
export async function* pageAuditEvents(
	db: Database,
	where: SQL,
	pageSize = 500,
): AsyncGenerator<StoredAuditEvent> {
	let cursor = "0";
	for (;;) {
		const page = await selectAuditEvents(db, sql`${where} and id > ${cursor}::bigint`, pageSize);
		yield* page;
		const last = page.at(-1);
		if (!last || page.length < pageSize) return;
		cursor = last.id;
	}
}

function toStoredEvent(raw: RawAuditEvent): StoredAuditEvent {
	return {
		id: raw.id,
		orgId: raw.org_id,
		occurredAt: raw.occurred_at,
		actor: { type: raw.actor_type, id: raw.actor_id, name: raw.actor_name },
		action: raw.action,
		entity: { type: raw.entity_type, id: raw.entity_id, name: raw.entity_name },
		changes: JSON.parse(raw.changes) as unknown,
		metadata: JSON.parse(raw.metadata) as unknown,
		prevHash: raw.prev_hash,
		hash: raw.hash,
		keyVersion: raw.chain_key_version,
	};
}
