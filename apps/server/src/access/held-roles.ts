import { type Executor, projects, reusableStatement, userProjectRoles } from "@roster/db";
import type { AccessDecision, AccessProject } from "@roster/domain";
import { eq } from "drizzle-orm";
import type { StoredRole } from "./store.ts";

/** A project role a user holds, as events and the audit trail name it: by project id and slug. */
export interface HeldRole {
	projectId: string;
	projectSlug: string;
	role: string;
}

/** Code-point order, so the same roles always read the same, whatever the database's collation. */
function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function bySlug(roles: HeldRole[]): HeldRole[] {
	return roles.sort((a, b) => compare(a.projectSlug, b.projectSlug) || compare(a.projectId, b.projectId));
}

/** The roles a decision stores: its grants on projects that exist, sorted by slug. */
export function decidedRoles(decision: AccessDecision): HeldRole[] {
	return bySlug(
		decision.projectRoles.flatMap(({ projectId, projectSlug, role }) =>
			projectId === null ? [] : [{ projectId, projectSlug, role }],
		),
	);
}

/**
 * The roles a user held before a recompute rewrote them: `after` less the rows it inserted, plus the rows
 * it deleted (a user holds at most one role per project). `projects` names the deleted rows' projects.
 */
export function rolesBefore(
	after: readonly HeldRole[],
	writes: { removed: readonly StoredRole[]; added: readonly StoredRole[] },
	projects: readonly AccessProject[],
): HeldRole[] {
	const held = new Map(after.map((role) => [role.projectId, role]));
	for (const row of writes.added) held.delete(row.projectId);
	const slugs = new Map(projects.map((project) => [project.id, project.slug]));
	for (const row of writes.removed) {
		held.set(row.projectId, {
			projectId: row.projectId,
			projectSlug: slugs.get(row.projectId) ?? row.projectId,
			role: row.role,
		});
	}
	return bySlug([...held.values()]);
}

/** True when both lists grant the same role on the same projects. */
export function sameRoles(a: readonly HeldRole[], b: readonly HeldRole[]): boolean {
	if (a.length !== b.length) return false;
	const held = new Map(a.map((role) => [role.projectId, role.role]));
	return b.every((role) => held.get(role.projectId) === role.role);
}

const heldRoleFields = {
	projectId: userProjectRoles.projectId,
	projectSlug: projects.slug,
	role: userProjectRoles.role,
};

const userHeldRoles = reusableStatement<{ userId: string }, HeldRole>(
	"roster_user_held_roles",
	["userId"],
	(db, values) =>
		db
			.select(heldRoleFields)
			.from(userProjectRoles)
			.innerJoin(projects, eq(projects.id, userProjectRoles.projectId))
			.where(eq(userProjectRoles.userId, values.userId)),
	heldRoleFields,
);

/**
 * The statement that reads the project roles one user holds, sorted by slug. Not awaited by the caller
 * that locks the user: sent right behind the lock (pipelined), it reads what the write starts from.
 */
export async function heldRolesQuery(db: Executor, userId: string): Promise<HeldRole[]> {
	return bySlug(await userHeldRoles.run(db, { userId }));
}
