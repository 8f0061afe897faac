import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { accessTier } from "./enums.ts";
import { createdAt, updatedAt } from "./timestamps.ts";

export const deletePolicies = ["soft", "hard"] as const;
export const roleSources = ["idp", "console", "both"] as const;

/** A tenant: every other row belongs to exactly one organization, and its settings steer provisioning. */
export const organizations = pgTable(
	"organizations",
	{
		id: uuid().primaryKey().defaultRandom(),
		slug: text().notNull().unique(),
		name: text().notNull(),
		scimEnabled: boolean().notNull().default(true),
		fallbackTier: accessTier().notNull().default("NONE"),
		deletePolicy: text({ enum: deletePolicies }).notNull().default("soft"),
		roleSource: text({ enum: roleSources }).notNull().default("both"),
		allowSharedOwnership: boolean().notNull().default(false),
		autoCreateProjects: boolean().notNull().default(false),
		projectRoles: text().array().notNull().default(sql`'{admin,write,read}'::text[]`),
		provisioningLogRetentionDays: integer().notNull().default(30),
		/** Bumped by every change to role mappings, projects or settings that feed role resolution, so cached inputs can be checked cheaply. */
		accessVersion: integer().notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [
		check("organizations_delete_policy_check", sql`${t.deletePolicy} in ('soft', 'hard')`),
		check("organizations_role_source_check", sql`${t.roleSource} in ('idp', 'console', 'both')`),
		check("organizations_retention_check", sql`${t.provisioningLogRetentionDays} >= 0`),
	],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
