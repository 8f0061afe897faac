import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";

export type MappingRow = inferRouterOutputs<AppRouter>["mappings"]["list"]["mappings"][number];

/** The match kinds as the console names them, and what their value is called. */
export const MATCH_KINDS = [
	{ value: "group_display_name", label: "Group by name", valueLabel: "Group name" },
	{ value: "group_external_id", label: "Group by externalId", valueLabel: "Group externalId" },
	{ value: "role_urn", label: "Role value or URN", valueLabel: "Role pattern" },
] as const;

/** How a mapping's match reads in the table. */
export function matchLabel(mapping: Pick<MappingRow, "matchKind">): string {
	return MATCH_KINDS.find((kind) => kind.value === mapping.matchKind)?.label ?? mapping.matchKind;
}

/** How a mapping's target reads: "tier ADMIN" or "write on project atlas". */
export function targetLabel(
	mapping: Pick<MappingRow, "targetKind" | "tier" | "projectSelector" | "projectRole">,
): string {
	if (mapping.targetKind === "tier") return `tier ${mapping.tier}`;
	const project = mapping.projectSelector === "*" ? "every project" : `project ${mapping.projectSelector}`;
	return `${mapping.projectRole} on ${project}`;
}
