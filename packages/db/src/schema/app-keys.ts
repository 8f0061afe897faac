import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt, timestamptz } from "./timestamps.ts";

/** Keys a host application uses for `/api/v1`; like SCIM tokens, only their hash is stored. */
export const appKeys = pgTable("app_keys", {
	id: uuid().primaryKey().defaultRandom(),
	orgId: uuid()
		.notNull()
		.references(() => organizations.id, { onDelete: "cascade" }),
	name: text().notNull(),
	prefix: text().notNull(),
	keyHash: text().notNull().unique("app_keys_key_hash_unique"),
	createdAt: createdAt(),
	lastUsedAt: timestamptz(),
	revokedAt: timestamptz(),
});

export type AppKey = typeof appKeys.$inferSelect;
export type NewAppKey = typeof appKeys.$inferInsert;
