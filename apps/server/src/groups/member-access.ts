import { type Transaction, users } from "@roster/db";
import { inArray } from "drizzle-orm";
import { type RecomputeSummary, recomputeAccess, type TierChange } from "../access/recompute.ts";
import { type GroupForRelevance, groupAffectsAccess } from "../access/relevance.ts";
import { loadAccessStatics } from "../access/statics.ts";
import { accessChange } from "../audit/access-evidence.ts";
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
		tierChanges: mergedTierChanges(total.tierChanges, next.tierChanges),
		projectsCreated: total.projectsCreated + next.projectsCreated,
	}));
}

/** Both itemizations together, or none when either recompute was too large to itemize. */
function mergedTierChanges(
	a: Map<string, TierChange> | undefined,
	b: Map<string, TierChange> | undefined,
): Map<string, TierChange> | undefined {
	return a && b ? new Map([...a, ...b]) : undefined;
}

/**
 * One `SCIM_USER_ACCESS_CHANGED` event per user whose tier a group write moved, naming the group, so a
 * user's own trail shows a promotion or demotion that came from a membership change. Only for writes small
 * enough to be itemized (`ITEMIZED_SCOPE`); the group's event always carries the counts.
 */
export async function accessChangeEvents(
	tx: Transaction,
	summary: RecomputeSummary | undefined,
	group: { id: string; displayName: string },
): Promise<ScimAuditEvent[]> {
	const changes = summary?.tierChanges;
	if (!changes || changes.size === 0) return [];
	const names = await tx
		.select({ id: users.id, userName: users.userName })
		.from(users)
		.where(inArray(users.id, [...changes.keys()]));
	return names.map(({ id, userName }) => {
		const change = changes.get(id) as TierChange;
		return {
			action: "SCIM_USER_ACCESS_CHANGED",
			entityType: "User",
			entityId: id,
			entityName: userName,
			changes: accessChange(change.old, change.new),
			metadata: { cause: { group: { id: group.id, displayName: group.displayName } } },
		};
	});
}
