import { type Database, rows } from "@roster/db";
import { sql } from "drizzle-orm";

/**
 * A candidate sealing horizon: the highest audit id allocated when it was taken, and the transactions of
 * this database that were running just after. Identity ids are handed out before commit, so one of those
 * transactions may still commit an event below `lastId`; once none of them runs, every id up to `lastId`
 * is final (committed or never will be) and may be chained. See docs/decisions/0091.
 */
export interface HorizonMark {
	lastId: string;
	/** Virtual transaction ids (`backend/local`) that were in flight; empty means `lastId` is final now. */
	inFlight: string[];
}

/**
 * Reads the audit sequence first and the running transactions second: a writer that took an id at or
 * below `lastId` had started by then, so it is either finished or listed. Virtual transaction ids are used
 * rather than xids because a transaction only gets an xid at its first row write, which comes after the
 * identity default is evaluated. Our own transaction and other databases' are left out.
 */
export async function markHorizon(db: Database): Promise<HorizonMark> {
	const [sequence] = await rows<{ last_id: string | null }>(
		db,
		sql`select pg_sequence_last_value(pg_get_serial_sequence('audit_events', 'id')::regclass)::text as last_id`,
	);
	const inFlight = await rows<{ vxid: string }>(
		db,
		sql`select l.virtualxid as vxid
			from pg_locks l join pg_stat_activity a on a.pid = l.pid
			where l.locktype = 'virtualxid' and l.granted and l.pid <> pg_backend_pid()
				and a.datname = current_database()`,
	);
	return { lastId: sequence?.last_id ?? "0", inFlight: inFlight.map((row) => row.vxid) };
}

/** True while any transaction listed in the mark has not yet committed or rolled back. */
export async function markStillOpen(db: Database, mark: HorizonMark): Promise<boolean> {
	if (mark.inFlight.length === 0) return false;
	const [open] = await rows<{ open: boolean }>(
		db,
		sql`select exists (
			select 1 from pg_locks
			where locktype = 'virtualxid' and granted
				and virtualxid in (select jsonb_array_elements_text(${JSON.stringify(mark.inFlight)}::jsonb))
		) as open`,
	);
	return open?.open === true;
}
