import type { Database } from "@roster/db";
import { stringify } from "csv-stringify/sync";
import { type SQL, sql } from "drizzle-orm";
import { pageAuditEvents, type StoredAuditEvent } from "./events.ts";
import type { AuditOutputFormat } from "./options.ts";

/** The CSV header of `audit export`; the JSONL form carries the same fields as nested objects. */
export const AUDIT_CSV_COLUMNS = [
	"id",
	"org_id",
	"occurred_at",
	"actor_type",
	"actor_id",
	"actor_name",
	"action",
	"entity_type",
	"entity_id",
	"entity_name",
	"changes",
	"metadata",
	"prev_hash",
	"hash",
	"chain_key_version",
] as const;

/**
 * Writes rows as RFC 4180 CSV. Cells that a spreadsheet would run as a formula (IdP-controlled names
 * starting with `=`, `+`, `-`, `@`) get a leading `'`; the JSONL export is the exact, verifiable form.
 */
export function csvLine(cells: readonly (string | number | null)[]): string {
	return stringify([cells.map((cell) => cell ?? "")], { escape_formulas: true });
}

/**
 * An organization's audit events (optionally from `since` on) as export lines, each ending in a newline,
 * read a page at a time. A JSONL line holds every field the event's hash covers plus `prevHash`, `hash`
 * and `keyVersion`, so an auditor holding the chain key can recompute the chain from the export alone.
 */
export async function* auditExportLines(
	db: Database,
	options: { orgId: string; since: Date | undefined; format: AuditOutputFormat },
): AsyncGenerator<string> {
	if (options.format === "csv") yield csvLine(AUDIT_CSV_COLUMNS);
	for await (const event of pageAuditEvents(db, eventsOf(options.orgId, options.since))) {
		yield options.format === "csv" ? csvLine(csvCells(event)) : `${JSON.stringify(event)}\n`;
	}
}

/** The filter shared by the export and the offboarding report. */
export function eventsOf(orgId: string, since: Date | undefined, extra: SQL = sql`true`): SQL {
	const from = since === undefined ? sql`true` : sql`occurred_at >= ${since.toISOString()}::timestamptz`;
	return sql`org_id = ${orgId} and ${from} and ${extra}`;
}

function csvCells(event: StoredAuditEvent): (string | number | null)[] {
	return [
		event.id,
		event.orgId,
		event.occurredAt,
		event.actor.type,
		event.actor.id,
		event.actor.name,
		event.action,
		event.entity.type,
		event.entity.id,
		event.entity.name,
		JSON.stringify(event.changes),
		JSON.stringify(event.metadata),
		event.prevHash,
		event.hash,
		event.keyVersion,
	];
}
