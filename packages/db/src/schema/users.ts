import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accessTier, authMethod } from "./enums.ts";
import { organizations } from "./organizations.ts";
import { scimConnections } from "./scim-connections.ts";
import { createdAt, timestamptz, updatedAt } from "./timestamps.ts";

/**
 * A person in an organization, shaped like the host platform's User. The typed columns are what
 * Roster filters and decides on; everything else from the SCIM resource lives in `attributes`.
 */
export const users = pgTable(
	"users",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		userName: text().notNull(),
		email: text(),
		displayName: text(),
		givenName: text(),
		familyName: text(),
		externalId: text(),
		isActive: boolean().notNull().default(true),
		isDeleted: boolean().notNull().default(false),
		accessTier: accessTier().notNull().default("NONE"),
		accessTierSource: text(),
		/** Why the user has their tier and project roles, as decided by role resolution; read, never recomputed on reads. */
		accessExplanation: jsonb().$type<Record<string, unknown>>(),
		accessComputedAt: timestamptz(),
		authMethod: authMethod().notNull().default("SCIM"),
		passwordHash: text(),
		/** Wrong console passwords in a row since the last successful sign-in or lockout. */
		failedSignIns: integer().notNull().default(0),
		/** Console sign-in refuses every password, the right one too, until then (or an operator unlock). */
		signInLockedUntil: timestamptz(),
		connectionId: uuid().references(() => scimConnections.id, { onDelete: "set null" }),
		attributes: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		version: integer().notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
		deactivatedAt: timestamptz(),
		deletedAt: timestamptz(),
	},
	(t) => [
		uniqueIndex("users_org_user_name_unique")
			.on(t.orgId, sql`lower(${t.userName})`)
			.where(sql`not ${t.isDeleted}`),
		index("users_org_external_id_idx").on(t.orgId, t.externalId),
		index("users_org_email_idx").on(t.orgId, sql`lower(${t.email})`),
		index("users_org_created_at_id_idx").on(t.orgId, t.createdAt, t.id),
		// The console's user list sorts live users by each of these with the id as tie-breaker (keyset paging).
		index("users_org_user_name_sort_idx")
			.on(t.orgId, sql`lower(${t.userName})`, t.id)
			.where(sql`not ${t.isDeleted}`),
		index("users_org_display_name_sort_idx")
			.on(t.orgId, sql`coalesce(lower(${t.displayName}), '')`, t.id)
			.where(sql`not ${t.isDeleted}`),
		index("users_org_tier_sort_idx").on(t.orgId, t.accessTier, t.id).where(sql`not ${t.isDeleted}`),
		index("users_org_updated_at_sort_idx").on(t.orgId, t.updatedAt, t.id).where(sql`not ${t.isDeleted}`),
		index("users_org_active_sort_idx").on(t.orgId, t.isActive, t.id).where(sql`not ${t.isDeleted}`),
	],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
