import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./timestamps.ts";
import { users } from "./users.ts";

/** Console sign-in sessions; the cookie carries a secret whose hash is the lookup key. */
export const sessions = pgTable(
	"sessions",
	{
		id: uuid().primaryKey().defaultRandom(),
		userId: uuid()
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		tokenHash: text().notNull().unique("sessions_token_hash_unique"),
		createdAt: createdAt(),
		expiresAt: timestamptz().notNull(),
		ip: text(),
		userAgent: text(),
	},
	(t) => [index("sessions_user_id_idx").on(t.userId)],
);

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
