import type { Database } from "@roster/db";
import type { AuditFilterInput } from "@roster/domain/inputs/audit";
import { stringify } from "csv-stringify/sync";
import { type SQL, sql } from "drizzle-orm";
import { pageAuditEvents, type StoredAuditEvent } from "./events.ts";
import { auditFilterWhere } from "./filters.ts";
import { type OperatorActor, recordOperatorEvents } from "./operator-events.ts";
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
	yield* exportLines(db, eventsOf(options.orgId, options.since), options.format);
}

/**
 * The console's audit export: the same lines as `audit export`, oldest first, for the events the viewer's
 * filters pick (so a download holds exactly what the screen lists, in chain order).
 */
export async function* filteredAuditExportLines(
	db: Database,
	options: { orgId: string; filter: AuditFilterInput; format: AuditOutputFormat },
): AsyncGenerator<string> {
	yield* exportLines(db, auditFilterWhere(options.orgId, options.filter), options.format);
}

async function* exportLines(db: Database, where: SQL, format: AuditOutputFormat): AsyncGenerator<string> {
	if (format === "csv") yield csvLine(AUDIT_CSV_COLUMNS);
	for await (const event of pageAuditEvents(db, where)) {
		yield format === "csv" ? csvLine(csvCells(event)) : `${JSON.stringify(event)}\n`;
	}
}

/** What a console download exported: the report, its format and the filters, as its audit event says. */
export interface ExportRecord {
	report: "audit" | "offboarding";
	format: AuditOutputFormat;
	filter: Record<string, unknown>;
}

/**
 * Records who downloaded which report with which filters (`AUDIT_EXPORTED`), in its own transaction
 * before the first line is sent, so an export that is cut short is still on record.
 */
export async function recordExport(
	db: Database,
	orgId: string,
	actor: OperatorActor,
	record: ExportRecord,
): Promise<void> {
	await db.transaction((tx) =>
		recordOperatorEvents(tx, orgId, actor, [
			{
				action: "AUDIT_EXPORTED",
				entityType: "AuditTrail",
				entityId: orgId,
				entityName: record.report === "audit" ? "audit events" : "offboarding report",
				metadata: { report: record.report, format: record.format, filter: record.filter },
			},
		]),
	);
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
