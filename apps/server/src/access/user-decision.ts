import type { Organization, Transaction, User } from "@roster/db";
import type { AccessDecision, AccessGroup, AccessTier } from "@roster/domain";
import { loadGroups } from "./load.ts";
import { projectsToCreate, Resolutions } from "./resolutions.ts";
import { loadAccessStatics, withProjects } from "./statics.ts";
import { ensureProjects, storeProjectRoles } from "./store.ts";

/** The user columns that hold a stored decision, ready for the write that changes the user. */
export interface AccessColumns {
	accessTier: AccessTier;
	accessTierSource: string;
	accessExplanation: Record<string, unknown>;
	accessComputedAt: Date;
}

/** The one user row a write is about to store: its id (undefined before INSERT), flags and attributes. */
export interface UserForDecision {
	id: string | undefined;
	isActive: boolean;
	isDeleted: boolean;
	attributes: Record<string, unknown>;
}

/**
 * Decides one user's access in the write's own transaction, BEFORE the write stores the user, so the
 * decision goes into that same INSERT/UPDATE. `groups: "none"` is for users who have no memberships (a
 * new or restored user, a tombstone): with warm statics it costs no statement at all; "load" reads the
 * user's groups in one statement; a list is the user's groups as the write already read them.
 * Projects an entitlement asks for are created here.
 */
export async function decideUserAccess(
	tx: Transaction,
	organization: Organization,
	user: UserForDecision,
	groups: "none" | "load" | readonly AccessGroup[],
): Promise<AccessDecision> {
	const active = user.isActive && !user.isDeleted;
	const memberOf =
		typeof groups !== "string"
			? groups
			: groups === "load" && user.id !== undefined
				? ((await loadGroups(tx, [user.id])).get(user.id) ?? [])
				: [];
	const input = {
		id: user.id ?? "",
		active,
		roles: user.attributes.roles ?? null,
		entitlements: user.attributes.entitlements ?? null,
		groups: memberOf,
	};
	const statics = await loadAccessStatics(tx, organization);
	const decision = new Resolutions(statics).decide(input);
	const wanted = projectsToCreate([decision]);
	if (wanted.length === 0) return decision;
	const { projects } = await ensureProjects(tx, organization.id, wanted);
	return new Resolutions(withProjects(statics, projects)).decide(input);
}

export function accessColumns(decision: AccessDecision, now: Date): AccessColumns {
	return {
		accessTier: decision.tier,
		accessTierSource: decision.tierSource,
		accessExplanation: decision.explanation as unknown as Record<string, unknown>,
		accessComputedAt: now,
	};
}

/**
 * Brings one user's `user_project_roles` in line with a decision. `hadNone` skips the statements when
 * the user is known to hold no project roles and the decision grants none (a brand-new user).
 */
export async function storeUserProjectRoles(
	tx: Transaction,
	orgId: string,
	user: Pick<User, "id">,
	decision: AccessDecision,
	options: { hadNone: boolean } = { hadNone: false },
): Promise<boolean> {
	if (options.hadNone && !decision.projectRoles.some((grant) => grant.projectId !== null)) return false;
	const writes = await storeProjectRoles(tx, orgId, {
		userIds: [user.id],
		decisionIndex: [0],
		decisions: [decision],
	});
	return writes.removed.length + writes.added.length > 0;
}
