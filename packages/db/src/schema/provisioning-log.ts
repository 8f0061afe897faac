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
		index("provisioning_log_org_occurred_at_idx").on(t.orgId, t.occurredAt.desc()),
		/** A connection's health (last request, last 24 hours) without reading other connections' rows. */
		index("provisioning_log_org_connection_occurred_at_idx").on(t.orgId, t.connectionId, t.occurredAt.desc()),
	],
);

export type ProvisioningLogEntry = typeof provisioningLog.$inferSelect;
export type NewProvisioningLogEntry = typeof provisioningLog.$inferInsert;
