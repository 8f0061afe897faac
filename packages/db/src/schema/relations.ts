import { relations } from "drizzle-orm";
import { auditEvents } from "./audit-events.ts";
import { groupMembers, groups } from "./groups.ts";
import { organizations } from "./organizations.ts";
import { groupProjectRoles, projects, userProjectRoles } from "./projects.ts";
import { scimConnections, scimTokens } from "./scim-connections.ts";
import { sessions } from "./sessions.ts";
import { users } from "./users.ts";

/** Lets callers load an aggregate with `db.query.<table>.findMany({ with: … })` instead of hand-written joins. */
export const organizationsRelations = relations(organizations, ({ many }) => ({
	users: many(users),
	groups: many(groups),
	projects: many(projects),
	scimConnections: many(scimConnections),
	auditEvents: many(auditEvents),
}));

export const usersRelations = relations(users, ({ one, many }) => ({
	organization: one(organizations, { fields: [users.orgId], references: [organizations.id] }),
	connection: one(scimConnections, { fields: [users.connectionId], references: [scimConnections.id] }),
	memberships: many(groupMembers),
	projectRoles: many(userProjectRoles),
	sessions: many(sessions),
}));

export const groupsRelations = relations(groups, ({ one, many }) => ({
	organization: one(organizations, { fields: [groups.orgId], references: [organizations.id] }),
	connection: one(scimConnections, { fields: [groups.connectionId], references: [scimConnections.id] }),
	members: many(groupMembers),
	projectRoles: many(groupProjectRoles),
}));

export const groupMembersRelations = relations(groupMembers, ({ one }) => ({
	group: one(groups, { fields: [groupMembers.groupId], references: [groups.id] }),
	user: one(users, { fields: [groupMembers.userId], references: [users.id] }),
}));

export const projectsRelations = relations(projects, ({ one, many }) => ({
	organization: one(organizations, { fields: [projects.orgId], references: [organizations.id] }),
	userRoles: many(userProjectRoles),
	groupRoles: many(groupProjectRoles),
}));

export const userProjectRolesRelations = relations(userProjectRoles, ({ one }) => ({
	user: one(users, { fields: [userProjectRoles.userId], references: [users.id] }),
	project: one(projects, { fields: [userProjectRoles.projectId], references: [projects.id] }),
}));

export const groupProjectRolesRelations = relations(groupProjectRoles, ({ one }) => ({
	group: one(groups, { fields: [groupProjectRoles.groupId], references: [groups.id] }),
	project: one(projects, { fields: [groupProjectRoles.projectId], references: [projects.id] }),
}));

export const scimConnectionsRelations = relations(scimConnections, ({ one, many }) => ({
	organization: one(organizations, { fields: [scimConnections.orgId], references: [organizations.id] }),
	tokens: many(scimTokens),
}));

export const scimTokensRelations = relations(scimTokens, ({ one }) => ({
	connection: one(scimConnections, { fields: [scimTokens.connectionId], references: [scimConnections.id] }),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
	user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const auditEventsRelations = relations(auditEvents, ({ one }) => ({
	organization: one(organizations, { fields: [auditEvents.orgId], references: [organizations.id] }),
}));
