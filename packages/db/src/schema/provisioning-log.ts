import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { scimConnections } from "./scim-connections.ts";
import { timestamptz } from "./timestamps.ts";

/**
 * One row per SCIM request, for troubleshooting IdP integrations. Bodies arrive already redacted;
 * rows older than the organization's `provisioning_log_retention_days` are pruned.
 */
export const provisioningLog = pgTable(
	"provisioning_log",
	{
		id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		connectionId: uuid().references(() => scimConnections.id, { onDelete: "set null" }),
		occurredAt: timestamptz().notNull().defaultNow(),
		method: text().notNull(),
		path: text().notNull(),
		status: integer().notNull(),
		durationMs: integer().notNull(),
		scimType: text(),
		requestId: text(),
		quirks: text().array().notNull().default([]),
		requestBody: jsonb(),
		responseBody: jsonb(),
	},
	(t) => [
		// Newest first with the id as tie-breaker: the console's keyset order, so a page is an index walk (no sort).
		index("provisioning_log_org_occurred_at_id_idx").on(t.orgId, t.occurredAt.desc(), t.id.desc()),
		/** A connection's health (last request, last 24 hours) without reading other connections' rows. */
		index("provisioning_log_org_connection_occurred_at_idx").on(t.orgId, t.connectionId, t.occurredAt.desc()),
		// Only the errors, in the same order: "4xx" over a log of mostly successes reads errors, not every row
		// since the newest error (rare rows, so writes barely pay for it).
		index("provisioning_log_org_errors_occurred_at_id_idx")
			.on(t.orgId, t.occurredAt.desc(), t.id.desc())
			.where(sql`${t.status} >= 400`),
	],
);

export type ProvisioningLogEntry = typeof provisioningLog.$inferSelect;
export type NewProvisioningLogEntry = typeof provisioningLog.$inferInsert;
