import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./timestamps.ts";
import { users } from "./users.ts";

/**
 * Console sign-in sessions (and host-application sessions validated through `/api/v1`); the cookie
 * carries a secret whose hash is the lookup key. `expires_at` is the absolute end of the session.
 */
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
		/** When the session last answered a request, kept to the minute; the console's idle timeout reads it. */
		lastSeenAt: timestamptz().notNull().defaultNow(),
		ip: text(),
		userAgent: text(),
	},
	(t) => [index("sessions_user_id_idx").on(t.userId)],
);

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
