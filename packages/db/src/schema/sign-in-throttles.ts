import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./timestamps.ts";

/**
 * Failed console sign-ins per client address in a fixed window, so one address guessing across many
 * accounts is slowed down; kept in the database so every server process sees the same count.
 */
export const signInThrottles = pgTable(
	"sign_in_throttles",
	{
		ip: text().primaryKey(),
		failures: integer().notNull(),
		windowStartedAt: timestamptz().notNull(),
		/** Every sign-in from this address is refused until then. */
		blockedUntil: timestamptz(),
	},
	(t) => [index("sign_in_throttles_window_started_at_idx").on(t.windowStartedAt)],
);

export type SignInThrottle = typeof signInThrottles.$inferSelect;
