import { z } from "zod";
import { accessTiers } from "../access/tiers.ts";

/** What a mapping matches: a group by displayName or externalId, or a role value/URN pattern (`*` wildcard). */
export const mappingMatchKinds = ["group_display_name", "group_external_id", "role_urn"] as const;
/** What a mapping grants: a tier, or a role on a project (by id, slug or `*`). */
export const mappingTargetKinds = ["tier", "project_role"] as const;

export type MappingMatchKind = (typeof mappingMatchKinds)[number];
export type MappingTargetKind = (typeof mappingTargetKinds)[number];

/** How many groups the mapping editor's picker offers for one search. */
export const GROUP_OPTIONS_LIMIT = 20;
/** How many affected users an impact preview (and a save's result) lists one by one. */
export const IMPACT_SAMPLE = 20;

const fields = {
	matchKind: z.enum(mappingMatchKinds),
	matchValue: z.string().trim().min(1, "Enter a group name, externalId or role pattern").max(512),
	targetKind: z.enum(mappingTargetKinds),
	tier: z.enum(accessTiers).nullable().default(null),
	projectSelector: z.string().trim().min(1).max(200).nullable().default(null),
	projectRole: z.string().trim().min(1).max(100).nullable().default(null),
	priority: z.number().int().min(0).max(1_000_000).default(100),
};

/**
 * The target's fields must fit its kind: a tier mapping names a tier, a project-role mapping a project and
 * a role. Reported on the field that is missing, so a form shows it beside that field.
 */
function targetFits(
	mapping: { targetKind: MappingTargetKind; tier: unknown; projectSelector: unknown; projectRole: unknown },
	ctx: z.RefinementCtx,
): void {
	if (mapping.targetKind === "tier") {
		if (mapping.tier === null)
			ctx.addIssue({ code: "custom", path: ["tier"], message: "A tier mapping needs a tier" });
		return;
	}
	if (mapping.projectSelector === null) {
		ctx.addIssue({ code: "custom", path: ["projectSelector"], message: "Name a project (id, slug or *)" });
	}
	if (mapping.projectRole === null) {
		ctx.addIssue({ code: "custom", path: ["projectRole"], message: "Pick a project role" });
	}
}

/**
 * A role mapping as an operator states it: what the IdP sends → a tier or a role on a project, with a
 * priority (lower wins). The console form, the tRPC procedures and the application layer parse with this
 * one schema; whether the project role exists is checked against the organization by the server.
 */
export const mappingInput = z.object(fields).superRefine(targetFits);
export type MappingInput = z.input<typeof mappingInput>;
export type MappingFields = z.output<typeof mappingInput>;

/** Any string: an id that is not a mapping of the organization answers NOT_FOUND, never a hint. */
const mappingId = z.string().trim().min(1).max(100);

/**
 * A proposed mapping change, the same shape for its impact preview and for saving it, so what is
 * previewed is what is saved. Flat (no nesting), so a refusal's `fieldErrors` name the form's fields.
 */
export const mappingChangeInput = z.discriminatedUnion("action", [
	z.object({ action: z.literal("create"), ...fields }).superRefine(targetFits),
	z.object({ action: z.literal("update"), id: mappingId, ...fields }).superRefine(targetFits),
	z.object({ action: z.literal("delete"), id: mappingId }),
]);
export type MappingChangeInput = z.input<typeof mappingChangeInput>;
export type MappingChange = z.output<typeof mappingChangeInput>;

/** The group picker's search: a fragment of a displayName or externalId (empty lists the first groups). */
export const groupOptionsInput = z.object({ search: z.string().trim().max(200).default("") });
