/**
 * The contract of role resolution: everything `resolveAccess` reads and everything it decides. Pure data,
 * so the server can load it in a few set-based queries and store the decision without interpreting it.
 */

import type { AccessTier } from "./tiers.ts";

/** Where an organization takes roles from: only what the IdP sends, only console mappings, or both. */
export type RoleSourcePolicy = "idp" | "console" | "both";

export interface AccessOrganization {
	slug: string;
	fallbackTier: AccessTier;
	roleSource: RoleSourcePolicy;
	/** Project roles this organization knows, most privileged first (default `admin, write, read`). */
	projectRoles: string[];
	/** Whether an entitlement to an unknown project creates it. */
	autoCreateProjects: boolean;
}

export interface AccessProject {
	id: string;
	slug: string;
}

/** A console rule: an IdP group (by name or externalId) or a role value/URN pattern → a tier or a project role. */
export interface AccessMapping {
	id: string;
	matchKind: "group_display_name" | "group_external_id" | "role_urn";
	matchValue: string;
	targetKind: "tier" | "project_role";
	tier: AccessTier | null;
	/** Project id, slug or `*`; only for `project_role` targets. */
	projectSelector: string | null;
	projectRole: string | null;
	/** Lower wins when rules of equal specificity conflict. */
	priority: number;
}

export interface AccessGroup {
	id: string;
	displayName: string;
	externalId: string | null;
	/** `roles` and `entitlements` exactly as stored from SCIM (strings, `{value}` objects, Entra JSON strings). */
	roles: unknown;
	entitlements: unknown;
}

export interface AccessInput {
	organization: AccessOrganization;
	user: { active: boolean; roles: unknown; entitlements: unknown };
	groups: AccessGroup[];
	mappings: AccessMapping[];
	projects: AccessProject[];
}

/** What produced a candidate grant; `ref` is a group or mapping id where there is one. */
export type GrantOrigin =
	| { kind: "user_role"; value: string }
	| { kind: "group_role"; groupId: string; groupName: string; value: string }
	| { kind: "user_entitlement"; value: string }
	| { kind: "group_entitlement"; groupId: string; groupName: string; value: string }
	| { kind: "mapping"; mappingId: string; priority: number; via: string }
	| { kind: "fallback" }
	| { kind: "inactive" };

export interface ExplainedGrant {
	/** `tier` or the project a role is for (by slug, which is stable and readable). */
	target: { kind: "tier" } | { kind: "project"; projectSlug: string; projectId: string | null };
	/** The tier or project role granted. */
	value: string;
	origin: GrantOrigin;
	/** The origin as a `source` string (`mapping:<id>`, `user-role:<value>`, …), the form reasons refer to. */
	source?: string;
	/**
	 * Why it lost, for overruled grants: e.g. "a higher tier from …", "exact id beats slug". On a granted
	 * tier implied by a project role, why it was implied.
	 */
	reason?: string;
	/**
	 * How many more projects the same rule gave the same result on, for the same reason (a wildcard across
	 * many projects), shown once to keep stored explanations small; `projectRoles` lists every project.
	 */
	otherProjects?: number;
}

export interface IgnoredValue {
	value: string;
	origin: GrantOrigin;
	/** e.g. "malformed URN", "unknown project role", "other organization", "unknown project". */
	reason: string;
	/** The value's origin as a `source` string, as on grants. */
	source?: string;
	/** The specifics behind `reason`, for people: which segment is malformed, which roles exist, … */
	detail?: string;
}

export interface ProjectRoleGrant {
	/** `null` when the project does not exist yet and is in `projectsToCreate`. */
	projectId: string | null;
	projectSlug: string;
	role: string;
	/** A short, stable description of the winning rule, stored beside the role (e.g. `mapping:<id>`). */
	source: string;
}

export interface AccessDecision {
	tier: AccessTier;
	/** The winning rule of the tier, in the same format as `ProjectRoleGrant.source`. */
	tierSource: string;
	/** At most one role per project. */
	projectRoles: ProjectRoleGrant[];
	/** Slugs of projects an entitlement asked for that do not exist and the organization lets Roster create. */
	projectsToCreate: string[];
	explanation: {
		granted: ExplainedGrant[];
		overruled: ExplainedGrant[];
		ignored: IgnoredValue[];
	};
}
