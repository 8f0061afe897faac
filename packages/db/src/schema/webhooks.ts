import { bigint, boolean, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt, timestamptz } from "./timestamps.ts";

/**
 * Where an organization's events are delivered. The audit log is the outbox (docs/decisions/0230), so an
 * endpoint holds only its place in it: `cursor` is the id of the last audit event delivered with a 2xx.
 * A delivering process holds the endpoint through `lease_token` until `lease_until`, so replicas never
 * deliver to one endpoint at once and a killed process's lease simply runs out.
 */
export const webhookEndpoints = pgTable(
	"webhook_endpoints",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		url: text().notNull(),
		description: text().notNull().default(""),
		/** The `whsec_…` signing secret, AES-256-GCM sealed with ROSTER_SECRET; shown once at creation. */
		secretSealed: text().notNull(),
		enabled: boolean().notNull().default(true),
		cursor: bigint({ mode: "number" }).notNull().default(0),
		/** Failed attempts at the event after `cursor`; 0 once it is delivered. */
		failedAttempts: integer().notNull().default(0),
		nextAttemptAt: timestamptz(),
		lastError: text(),
		leaseToken: uuid(),
		leaseUntil: timestamptz(),
		createdAt: createdAt(),
	},
	(t) => [index("webhook_endpoints_org_idx").on(t.orgId)],
);

/** One attempt to deliver one message to one endpoint: the delivery log the console shows. */
export const webhookDeliveries = pgTable(
	"webhook_deliveries",
	{
		id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
		endpointId: uuid()
			.notNull()
			.references(() => webhookEndpoints.id, { onDelete: "cascade" }),
		/** The `webhook-id` header: the same for every attempt at the same message, so receivers dedupe. */
		messageId: text().notNull(),
		eventType: text().notNull(),
		/** The last audit event id the message covers (a summary covers a range). */
		throughEventId: bigint({ mode: "number" }).notNull(),
		attempt: integer().notNull(),
		replay: boolean().notNull().default(false),
		ok: boolean().notNull(),
		statusCode: integer(),
		error: text(),
		/** The receiver's answer, cut to a few hundred characters. */
		responseBody: text(),
		durationMs: integer().notNull(),
		payload: text().notNull(),
		createdAt: createdAt(),
	},
	(t) => [index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id.desc())],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
