import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { timestamptz } from "./timestamps.ts";

export const auditActorTypes = ["scim_connection", "admin", "system"] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

/** Field-level differences recorded by an audit event. */
export type AuditChanges = Record<string, { old: unknown; new: unknown }>;

/**
 * The append-only audit trail. A trigger (migration 0001) rejects DELETE, TRUNCATE and every UPDATE
 * except the single sealing UPDATE that fills `prev_hash` and `hash`; events are chained in `id` order.
 * Organizations with audit events therefore cannot be deleted.
 */
export const auditEvents = pgTable(
	"audit_events",
	{
		id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id),
		occurredAt: timestamptz().notNull().defaultNow(),
		actorType: text({ enum: auditActorTypes }).notNull(),
		actorId: text(),
		actorName: text(),
		action: text().notNull(),
		entityType: text(),
		entityId: text(),
		entityName: text(),
		changes: jsonb().$type<AuditChanges>().notNull().default({}),
		metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		prevHash: text(),
		hash: text(),
	},
	(t) => [
		index("audit_events_org_id_idx").on(t.orgId, t.id),
		check("audit_events_actor_type_check", sql`${t.actorType} in ('scim_connection', 'admin', 'system')`),
	],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
