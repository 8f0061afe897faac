import type { Transaction } from "@roster/db";
import type { AccessChangeCause } from "../access/change-events.ts";
import { type AccessChange, type RecomputeSummary, recomputeAccess } from "../access/recompute.ts";
import { type GroupForRelevance, groupAffectsAccess } from "../access/relevance.ts";
import { loadAccessStatics } from "../access/statics.ts";
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

/** The cause a member's `access.changed` names: the group, by id and display name. */
export function groupCause(group: { id: string; displayName: string }): AccessChangeCause {
	return { group: { id: group.id, displayName: group.displayName } };
}
