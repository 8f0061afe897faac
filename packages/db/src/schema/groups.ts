import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { scimConnections } from "./scim-connections.ts";
import { createdAt, updatedAt } from "./timestamps.ts";
import { users } from "./users.ts";

/** A SCIM group; its members are rows in `group_members`, never an array, so big groups stay cheap to change. */
export const groups = pgTable(
	"groups",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		displayName: text().notNull(),
		externalId: text(),
		connectionId: uuid().references(() => scimConnections.id, { onDelete: "set null" }),
		attributes: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		version: integer().notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [
		uniqueIndex("groups_org_external_id_unique")
			.on(t.orgId, t.externalId)
			.where(sql`${t.externalId} is not null`),
		uniqueIndex("groups_org_display_name_unique").on(t.orgId, sql`lower(${t.displayName})`),
	],
);

/** Group membership, one row per (group, user); both sides cascade so deleting either removes the link. */
export const groupMembers = pgTable(
	"group_members",
	{
		groupId: uuid()
			.notNull()
			.references(() => groups.id, { onDelete: "cascade" }),
		userId: uuid()
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		createdAt: createdAt(),
	},
	(t) => [
		primaryKey({ columns: [t.groupId, t.userId] }),
		index("group_members_user_group_idx").on(t.userId, t.groupId),
	],
);

export type Group = typeof groups.$inferSelect;
export type NewGroup = typeof groups.$inferInsert;
export type GroupMember = typeof groupMembers.$inferSelect;
