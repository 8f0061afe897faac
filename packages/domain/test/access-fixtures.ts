import type {
	AccessDecision,
	AccessGroup,
	AccessInput,
	AccessMapping,
	AccessOrganization,
} from "../src/index.ts";

export const acme: AccessOrganization = {
	slug: "acme",
	fallbackTier: "NONE",
	roleSource: "both",
	projectRoles: ["admin", "write", "read"],
	autoCreateProjects: false,
};

export const projects = [
	{ id: "p-prod", slug: "production" },
	{ id: "p-stg", slug: "staging" },
	{ id: "p-dev", slug: "development" },
];

export interface InputParts {
	organization?: Partial<AccessOrganization>;
	active?: boolean;
	roles?: unknown;
	entitlements?: unknown;
	groups?: AccessGroup[];
	mappings?: AccessMapping[];
	projects?: AccessInput["projects"];
}

/** An active user of `acme` (policy `both`, fallback NONE) with the three projects above, overridable. */
export function accessInput(parts: InputParts = {}): AccessInput {
	return {
		organization: { ...acme, ...parts.organization },
		user: { active: parts.active ?? true, roles: parts.roles ?? [], entitlements: parts.entitlements ?? [] },
		groups: parts.groups ?? [],
		mappings: parts.mappings ?? [],
		projects: parts.projects ?? projects,
	};
}

export function group(id: string, parts: Partial<AccessGroup> = {}): AccessGroup {
	return { id, displayName: id, externalId: null, roles: [], entitlements: [], ...parts };
}

export function tierMapping(id: string, parts: Partial<AccessMapping> = {}): AccessMapping {
	return {
		id,
		matchKind: "group_display_name",
		matchValue: "",
		targetKind: "tier",
		tier: "ADMIN",
		projectSelector: null,
		projectRole: null,
		priority: 10,
		...parts,
	};
}

export function roleMapping(
	id: string,
	projectSelector: string,
	projectRole: string,
	parts: Partial<AccessMapping> = {},
) {
	return tierMapping(id, { targetKind: "project_role", tier: null, projectSelector, projectRole, ...parts });
}

/** `{ slug: "role@source" }` — the part of a decision most rules are about, in one comparable value. */
export function rolesBySlug(decision: AccessDecision): Record<string, string> {
	return Object.fromEntries(decision.projectRoles.map((g) => [g.projectSlug, `${g.role}@${g.source}`]));
}
