import { mappingMatchKinds, mappingTargetKinds } from "@roster/domain/inputs/mappings";
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { accessTier } from "./enums.ts";
import { organizations } from "./organizations.ts";
import { createdAt } from "./timestamps.ts";

/**
 * A rule turning something the IdP sends (a group or a role URN) into an access tier or a project role.
 * Lower `priority` wins when rules conflict.
 */
export const roleMappings = pgTable(
	"role_mappings",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		matchKind: text({ enum: mappingMatchKinds }).notNull(),
		matchValue: text().notNull(),
		targetKind: text({ enum: mappingTargetKinds }).notNull(),
		tier: accessTier(),
		projectSelector: text(),
		projectRole: text(),
		priority: integer().notNull().default(100),
		createdAt: createdAt(),
		createdBy: text(),
	},
	(t) => [
		index("role_mappings_org_priority_idx").on(t.orgId, t.priority),
		check(
			"role_mappings_match_kind_check",
			sql`${t.matchKind} in ('group_display_name', 'group_external_id', 'role_urn')`,
		),
		check("role_mappings_target_kind_check", sql`${t.targetKind} in ('tier', 'project_role')`),
	],
);

export type RoleMapping = typeof roleMappings.$inferSelect;
export type NewRoleMapping = typeof roleMappings.$inferInsert;
