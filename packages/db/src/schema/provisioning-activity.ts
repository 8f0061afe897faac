import { integer, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { scimConnections } from "./scim-connections.ts";
import { timestamptz } from "./timestamps.ts";

/**
 * The provisioning log counted per connection and hour, so the dashboard reads at most 720 rows per
 * connection for 30 days instead of grouping a million log rows. The log writer adds each batch's counts
 * in the statement that inserts the batch, and retention subtracts what it prunes, so a bucket always
 * equals a count over the log rows kept.
 */
export const provisioningActivity = pgTable(
	"provisioning_activity",
	{
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		connectionId: uuid()
			.notNull()
			.references(() => scimConnections.id, { onDelete: "cascade" }),
		/** The start of the UTC hour the requests arrived in. */
		bucketStart: timestamptz().notNull(),
		requests: integer().notNull(),
		/** Answers with status 400 or above. */
		errors: integer().notNull(),
		/** `POST /Users` and `POST /Groups` answered 201. */
		creates: integer().notNull(),
		/** Requests shaped as an offboarding: a user deleted, or set `active: false`, and answered 2xx. */
		deprovisions: integer().notNull(),
	},
	// Organization and hour first: a dashboard window is one range of the key, whatever the retention.
	(t) => [primaryKey({ columns: [t.orgId, t.bucketStart, t.connectionId] })],
);

export type ProvisioningActivityBucket = typeof provisioningActivity.$inferSelect;
