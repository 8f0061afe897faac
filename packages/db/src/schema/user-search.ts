import { sql } from "drizzle-orm";
import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * The text a substring search matches, one row per user, folded to lower case: the console's search box
 * and SCIM `co`/`sw`/`ew` on these attributes go through its trigram index. A trigger on `users`
 * (migration 0018) writes it when one of the four columns changes, and only then: tier and status
 * updates, which rewrite every index of a `users` row, leave it alone (decision 0226).
 */
export const userSearch = pgTable(
	"user_search",
	{
		userId: uuid()
			.primaryKey()
			.references(() => users.id, { onDelete: "cascade" }),
		userName: text().notNull(),
		email: text(),
		displayName: text(),
		externalId: text(),
	},
	(t) => [
		// A small pending list keeps scans of it cheap, so the planner keeps choosing the index between flushes.
		index("user_search_trigram_idx")
			.using(
				"gin",
				sql`${t.userName} gin_trgm_ops`,
				sql`${t.email} gin_trgm_ops`,
				sql`${t.displayName} gin_trgm_ops`,
				sql`${t.externalId} gin_trgm_ops`,
			)
			.with({ gin_pending_list_limit: 512 }),
	],
);
