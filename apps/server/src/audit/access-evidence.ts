import type { AccessTier, AuditChanges } from "@roster/db";

/**
 * The audit `changes` entry of a tier change (`accessTier: {old, new}`), empty when the tier stayed, so
 * an auditor sees in the event of the write itself that it moved someone's access.
 */
export function accessChange(before: AccessTier | null, after: AccessTier): AuditChanges {
	return before === after ? {} : { accessTier: { old: before, new: after } };
}

/** The metadata of a write that recomputed other users' access: how many were examined and changed. */
export function accessMetadata(summary: {
	usersExamined: number;
	usersChanged: number;
}): Record<string, unknown> {
	return { usersRecomputed: summary.usersExamined, usersChanged: summary.usersChanged };
}
