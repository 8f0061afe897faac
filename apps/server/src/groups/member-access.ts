import { type Transaction, users } from "@roster/db";
import { inArray } from "drizzle-orm";
import { type AccessChange, type RecomputeSummary, recomputeAccess } from "../access/recompute.ts";
import { type GroupForRelevance, groupAffectsAccess } from "../access/relevance.ts";
import { loadAccessStatics } from "../access/statics.ts";
import { accessChange, rolesChange } from "../audit/access-evidence.ts";
import type { ScimAuditEvent } from "../audit/scim-events.ts";
import type { ScimContext } from "../provisioning/context.ts";
import type { MembershipDelta } from "./members.ts";

/**
 * Recomputes the access of the users a group write affects, when the group can affect access at all
 * (before or after the write): every current member when its name, externalId, roles or entitlements changed, else
 * the members added; and the members removed. Undefined when nothing was recomputed.
 */
export async function recomputeMembers(
	tx: Transaction,
	ctx: ScimContext,
	group: { id: string; versions: GroupForRelevance[]; everyMember: boolean },
	delta: MembershipDelta,
): Promise<RecomputeSummary | undefined> {
	const organization = ctx.actor.organization;
	const statics = await loadAccessStatics(tx, organization);
	if (!group.versions.some((version) => groupAffectsAccess(statics, version))) return undefined;
	const summaries: RecomputeSummary[] = [];
	if (group.everyMember) summaries.push(await recomputeAccess(tx, organization, { groupIds: [group.id] }));
	else if (delta.added.count > 0) {
		summaries.push(await recomputeAccess(tx, organization, { userIds: delta.added.userIds }));
	}
	if (delta.removed.count > 0) {
		summaries.push(await recomputeAccess(tx, organization, { userIds: delta.removed.userIds }));
	}
	if (summaries.length === 0) return undefined;
	return summaries.reduce((total, next) => ({
		usersExamined: total.usersExamined + next.usersExamined,
		usersChanged: total.usersChanged + next.usersChanged,
		accessChanges: mergedAccessChanges(total.accessChanges, next.accessChanges),
		projectsCreated: total.projectsCreated + next.projectsCreated,
	}));
}

/** Both itemizations together, or none when either recompute was too large to itemize. */
function mergedAccessChanges(
	a: Map<string, AccessChange> | undefined,
	b: Map<string, AccessChange> | undefined,
): Map<string, AccessChange> | undefined {
	return a && b ? new Map([...a, ...b]) : undefined;
}

/**
 * One `SCIM_USER_ACCESS_CHANGED` event per user whose tier or project roles a group write changed, naming
 * the group, so a user's own trail (and host applications) see a promotion, demotion or lost role that
 * came from a membership change, with before and after. Only for writes small enough to be itemized
 * (`ITEMIZED_SCOPE`); the group's event always carries the counts.
 */
export async function accessChangeEvents(
	tx: Transaction,
	summary: RecomputeSummary | undefined,
	group: { id: string; displayName: string },
): Promise<ScimAuditEvent[]> {
	const changes = summary?.accessChanges;
	if (!changes || changes.size === 0) return [];
	const names = await tx
		.select({ id: users.id, userName: users.userName })
		.from(users)
		.where(inArray(users.id, [...changes.keys()]));
	return names.map(({ id, userName }) => {
		const change = changes.get(id) as AccessChange;
		return {
			action: "SCIM_USER_ACCESS_CHANGED",
			entityType: "User",
			entityId: id,
			entityName: userName,
			changes: {
				...accessChange(change.tier.old, change.tier.new),
				...rolesChange(change.roles.old, change.roles.new),
			},
			metadata: { cause: { group: { id: group.id, displayName: group.displayName } } },
		};
	});
}
