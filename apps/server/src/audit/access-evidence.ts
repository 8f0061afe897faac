import type { AccessTier, AuditChanges } from "@roster/db";
import { type HeldRole, sameRoles } from "../access/held-roles.ts";

/**
 * The audit `changes` entry of a tier change (`accessTier: {old, new}`), empty when the tier stayed, so
 * an auditor sees in the event of the write itself that it moved someone's access.
 */
export function accessChange(before: AccessTier | null, after: AccessTier): AuditChanges {
	return before === after ? {} : { accessTier: { old: before, new: after } };
}

/**
 * The audit `changes` entry of a project-role change (`projectRoles: {old, new}`, each the full list the
 * user held, sorted by slug), empty when the roles stayed: host applications learn who lost which role.
 */
export function rolesChange(before: readonly HeldRole[], after: readonly HeldRole[]): AuditChanges {
	return sameRoles(before, after) ? {} : { projectRoles: { old: before, new: after } };
}

/** The metadata of a write that recomputed other users' access: how many were examined and changed. */
export function accessMetadata(summary: {
	usersExamined: number;
	usersChanged: number;
}): Record<string, unknown> {
	return { usersRecomputed: summary.usersExamined, usersChanged: summary.usersChanged };
}
