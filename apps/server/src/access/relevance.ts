import type { AccessStatics } from "./statics.ts";

/** What decides whether a group can matter to role resolution. */
export interface GroupForRelevance {
	displayName: string;
	externalId: string | null;
	attributes: Record<string, unknown>;
}

function hasValues(value: unknown): boolean {
	return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}

/**
 * Whether membership in this group can change anyone's decision: a mapping names it (by displayName,
 * case-insensitively, or by externalId) or it carries roles or entitlements of its own. When it cannot,
 * membership changes skip recompute entirely, so member churn on unmapped groups costs nothing extra.
 */
export function groupAffectsAccess(statics: AccessStatics, group: GroupForRelevance): boolean {
	if (hasValues(group.attributes.roles) || hasValues(group.attributes.entitlements)) return true;
	const name = group.displayName.toLowerCase();
	return statics.mappings.some(
		(mapping) =>
			(mapping.matchKind === "group_display_name" && mapping.matchValue.toLowerCase() === name) ||
			(mapping.matchKind === "group_external_id" &&
				group.externalId !== null &&
				mapping.matchValue === group.externalId),
	);
}
