import { pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt } from "./timestamps.ts";
import { users } from "./users.ts";

/** A host-platform project that roles are granted on. */
export const projects = pgTable(
	"projects",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		slug: text().notNull(),
		name: text().notNull(),
		createdAt: createdAt(),
		createdBySource: text(),
	},
	(t) => [uniqueIndex("projects_org_slug_unique").on(t.orgId, t.slug)],
);

/** A role a user holds on a project directly; `source` names the rule or person that granted it. */
export const userProjectRoles = pgTable(
	"user_project_roles",
	{
		userId: uuid()
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		projectId: uuid()
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		role: text().notNull(),
		source: text().notNull(),
		createdAt: createdAt(),
	},
	(t) => [primaryKey({ columns: [t.userId, t.projectId] })],
);

export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
export type UserProjectRole = typeof userProjectRoles.$inferSelect;
