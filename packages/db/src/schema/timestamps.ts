import { timestamp } from "drizzle-orm/pg-core";

/** Every point in time is stored with its time zone so PostgreSQL and PGlite agree on instants. */
export const timestamptz = () => timestamp({ withTimezone: true, mode: "date" });

/** A `created_at` column filled by the database. */
export const createdAt = () => timestamptz().notNull().defaultNow();

/** An `updated_at` column filled by the database and refreshed by Drizzle on every update. */
export const updatedAt = () =>
	timestamptz()
		.notNull()
		.defaultNow()
		.$onUpdate(() => new Date());
