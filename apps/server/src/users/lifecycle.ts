import { groupMembers, reusableStatement, type Transaction, type User, users } from "@roster/db";
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import { heldRolesQuery } from "../access/held-roles.ts";
import { idpManaged } from "../access/idp-managed.ts";
import { accessColumns, decideUserAccess, storeUserProjectRoles } from "../access/user-decision.ts";
import { accessChange, rolesChange } from "../audit/access-evidence.ts";
import {
	recordScimAudit,
	recordScimAuditEndingSessions,
	type ScimAuditAction,
	type ScimAuditEvent,
} from "../audit/scim-events.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { mayChange } from "../provisioning/preconditions.ts";
import { endUserSessions } from "../sessions/sessions.ts";
import { lockUser, userWrite } from "./transaction.ts";

/**
 * The lifecycle columns of a write that leaves a user `active`: reactivation clears `deactivatedAt`,
 * deactivation keeps the time of the first one (`deactivatedBefore`), else records now.
 */
export function activityColumns(active: boolean, now: Date, deactivatedBefore: Date | null = null) {
	return { isActive: active, deactivatedAt: active ? null : (deactivatedBefore ?? now) };
}

/** The audit action of a write that takes a user from `wasActive` to `isActive`. */
export function actionFor(wasActive: boolean, isActive: boolean): ScimAuditAction {
	if (wasActive && !isActive) return "SCIM_USER_DEPROVISIONED";
	if (!wasActive && isActive) return "SCIM_USER_REACTIVATED";
	return "SCIM_USER_UPDATED";
}

/**
 * Records a user write's audit event, with what its change of `active` does beyond the row, in the write's
 * transaction: deprovisioning ends every session of the user, in the same statement as the event, which
 * records how many ended (access itself ended with the write, `active` being an input of role
 * resolution); reactivation restores access the same way and starts no session.
 */
export function recordUserWrite(
	tx: Transaction,
	ctx: ScimContext,
	event: Omit<ScimAuditEvent, "action">,
	wasActive: boolean,
	isActive: boolean,
): Promise<void> {
	const action = actionFor(wasActive, isActive);
	if (action !== "SCIM_USER_DEPROVISIONED") return recordScimAudit(tx, ctx, { ...event, action });
	return recordScimAuditEndingSessions(tx, ctx, { ...event, action }, event.entityId);
}

/** The organization's IdP-managed tombstones with an externalId, the connection's own first, locked. */
const lockTombstone = reusableStatement<{ orgId: string; externalId: string; connectionId: string }, User>(
	"roster_lock_scim_user_tombstone",
	["orgId", "externalId", "connectionId"],
	(db, values) =>
		db
			.select()
			.from(users)
			.where(
				and(
					eq(users.orgId, values.orgId),
					eq(users.externalId, values.externalId),
					eq(users.isDeleted, true),
					idpManaged(),
				),
			)
			.orderBy(
				sql`case when ${users.connectionId} = ${values.connectionId}::uuid then 0 when ${users.connectionId} is null then 1 else 2 end`,
				desc(users.deletedAt),
			)
			.limit(1)
			.for("update"),
	getTableColumns(users),
);

/**
 * The tombstone a create with this externalId restores: the connection's own, else an unowned one, else
 * (only with shared ownership, `mayChange`) another connection's. None means a new user, and another
 * connection's tombstone stays restorable by that connection (docs/decisions/0115).
 */
export async function restorableTombstone(
	tx: Transaction,
	ctx: ScimContext,
	externalId: string,
): Promise<User | undefined> {
	const [candidate] = await lockTombstone.run(tx, {
		orgId: ctx.actor.organization.id,
		externalId,
		connectionId: ctx.actor.connection.id,
	});
	return candidate && mayChange(ctx, candidate) ? candidate : undefined;
}

/** Soft policy: the row stays as a tombstone without memberships or access (404 from now on, restorable). */
async function tombstone(tx: Transaction, ctx: ScimContext, before: User): Promise<void> {
	await tx.delete(groupMembers).where(eq(groupMembers.userId, before.id));
	const now = new Date();
	const decision = await decideUserAccess(
		tx,
		ctx.actor.organization,
		{ ...before, isActive: false, isDeleted: true },
		"none",
	);
	await tx
		.update(users)
		.set({
			isDeleted: true,
			deletedAt: now,
			...activityColumns(false, now, before.deactivatedAt),
			version: sql`${users.version} + 1`,
			updatedAt: now,
			...accessColumns(decision, now),
		})
		.where(eq(users.id, before.id));
	await storeUserProjectRoles(tx, before.orgId, before, decision);
}

/**
 * DELETE /Users/{id}: sessions end and memberships go in the same transaction; the row becomes a tombstone
 * (soft policy: 404 from now on, restorable by externalId) or is removed (hard policy).
 */
export async function deleteUser(ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
	await userWrite(ctx, async (tx) => {
		const before = await lockUser(tx, ctx, id, ifMatch);
		const roles = await heldRolesQuery(tx, before.id);
		const sessionsKilled = await endUserSessions(tx, before.id);
		const hard = ctx.actor.organization.deletePolicy === "hard";
		if (hard) await tx.delete(users).where(eq(users.id, before.id));
		else await tombstone(tx, ctx, before);
		await recordScimAudit(tx, ctx, {
			action: "SCIM_USER_DELETED",
			entityType: "User",
			entityId: before.id,
			entityName: before.userName,
			changes: {
				active: { old: before.isActive, new: false },
				...accessChange(before.accessTier, "NONE"),
				...rolesChange(roles, []),
			},
			metadata: { sessionsKilled, policy: hard ? "hard" : "soft" },
		});
	});
}
