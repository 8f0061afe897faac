import type { Executor } from "@roster/db";
import { type AccessTier, projects, userProjectRoles, users } from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, asc, eq, not, type SQL, sql } from "drizzle-orm";

/** A project role as the host application enforces it; `source` names the rule that granted it. */
export interface ProjectRoleGrant {
	projectId: string;
	projectSlug: string;
	role: string;
	source: string;
}

/** Roster's stored access decision for one user, exactly as `/api/v1` returns it. */
export interface UserAccess {
	id: string;
	userName: string;
	active: boolean;
	tier: AccessTier;
	tierSource: string | null;
	projectRoles: ProjectRoleGrant[];
	explanation: Record<string, unknown> | null;
	computedAt: string | null;
}

/** Which user to read: by id, or by userName (case-insensitive, as SCIM compares it). */
export type UserSelector = { id: string } | { userName: string };

/**
 * Reads the access decision role resolution stored for a user of `orgId`: tier, project roles and
 * explanation are never recomputed here. One statement reads the user and their roles, so both come
 * from the same snapshot even while a recompute commits. Deleted users and users of other
 * organizations are `null`, like unknown ones.
 */
export async function readUserAccess(
	db: Executor,
	orgId: string,
	selector: UserSelector,
): Promise<UserAccess | null> {
	let match: SQL | undefined;
	if ("id" in selector) {
		if (!isUuid(selector.id)) return null;
		match = eq(users.id, selector.id);
	} else {
		if (selector.userName.includes("\u0000")) return null;
		match = sql`lower(${users.userName}) = lower(${selector.userName})`;
	}
	const found = await db
		.select({
			id: users.id,
			userName: users.userName,
			active: users.isActive,
			tier: users.accessTier,
			tierSource: users.accessTierSource,
			explanation: users.accessExplanation,
			computedAt: users.accessComputedAt,
			projectId: projects.id,
			projectSlug: projects.slug,
			role: userProjectRoles.role,
			source: userProjectRoles.source,
		})
		.from(users)
		.leftJoin(userProjectRoles, eq(userProjectRoles.userId, users.id))
		.leftJoin(projects, eq(projects.id, userProjectRoles.projectId))
		.where(and(eq(users.orgId, orgId), not(users.isDeleted), match))
		.orderBy(asc(projects.slug), asc(projects.id));
	const [first] = found;
	if (!first) return null;
	const projectRoles: ProjectRoleGrant[] = [];
	for (const row of found) {
		if (row.projectId === null || row.projectSlug === null || row.role === null || row.source === null)
			continue;
		projectRoles.push({
			projectId: row.projectId,
			projectSlug: row.projectSlug,
			role: row.role,
			source: row.source,
		});
	}
	return {
		id: first.id,
		userName: first.userName,
		active: first.active,
		tier: first.tier,
		tierSource: first.tierSource,
		projectRoles,
		explanation: first.explanation,
		computedAt: first.computedAt?.toISOString() ?? null,
	};
}
