import { pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { groups } from "./groups.ts";
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

/** A role every member of a group holds on a project. */
export const groupProjectRoles = pgTable(
	"group_project_roles",
	{
		groupId: uuid()
			.notNull()
			.references(() => groups.id, { onDelete: "cascade" }),
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
	(t) => [primaryKey({ columns: [t.groupId, t.projectId] })],
);

export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
export type UserProjectRole = typeof userProjectRoles.$inferSelect;
export type GroupProjectRole = typeof groupProjectRoles.$inferSelect;
