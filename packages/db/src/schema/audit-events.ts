import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { timestamptz } from "./timestamps.ts";

export const auditActorTypes = ["scim_connection", "admin", "system"] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

/** Field-level differences recorded by an audit event. */
export type AuditChanges = Record<string, { old: unknown; new: unknown }>;

/**
 * The append-only audit trail. Triggers (migrations 0001, 0005) refuse DELETE, TRUNCATE, every UPDATE
 * except the single sealing UPDATE that fills `prev_hash`, `hash` and `chain_key_version`, and every
 * INSERT that is already sealed or brings its own id; events are chained per organization in `id` order.
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
		/** The chain key a sealed event's hash was computed with: 0 = legacy unkeyed sha256, 1+ = HMAC keys. */
		chainKeyVersion: smallint(),
	},
	(t) => [
		index("audit_events_org_id_idx").on(t.orgId, t.id),
		// The console's action filter, its distinct-action picker (a skip scan) and the offboarding report.
		index("audit_events_org_action_idx").on(t.orgId, t.action, t.id),
		index("audit_events_unsealed_idx").on(t.id).where(sql`${t.hash} is null`),
		check("audit_events_chain_key_version_check", sql`(${t.hash} is null) = (${t.chainKeyVersion} is null)`),
		check("audit_events_actor_type_check", sql`${t.actorType} in ('scim_connection', 'admin', 'system')`),
	],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
