import type { RoleAttribute } from "@roster/scim";
import { readRoleValues } from "../users/role-values.ts";
import { matchesRolePattern } from "./role-pattern.ts";
import { type AccessTier, parseTier } from "./tiers.ts";
import type { AccessInput, AccessMapping, GrantOrigin, IgnoredValue } from "./types.ts";
import { parseRoleUrn } from "./urn.ts";

/** A tier some rule grants, before the highest one is chosen. */
export interface TierCandidate {
	tier: AccessTier;
	/** Mapping priority; IdP values count as 0 and the fallback as +Infinity, so any rule beats it on ties. */
	priority: number;
	source: string;
	origin: GrantOrigin;
}

/** A project role some rule grants on a selector (id, slug or `*`), before it is matched to projects. */
export interface ProjectCandidate {
	selector: string;
	/** `null` for an entitlement: it grants the organization's least privileged role. */
	role: string | null;
	priority: number;
	source: string;
	origin: GrantOrigin;
	/** The raw value or mapping target, for explanations. */
	value: string;
}

export interface Candidates {
	tiers: TierCandidate[];
	projects: ProjectCandidate[];
	ignored: IgnoredValue[];
}

interface IdpValue {
	value: string;
	attribute: RoleAttribute;
	origin: GrantOrigin;
	source: string;
}

export function byCodeUnits(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function idpValues(input: AccessInput): IdpValue[] {
	const out: IdpValue[] = [];
	const read = (
		raw: unknown,
		attribute: IdpValue["attribute"],
		at: (value: string) => [GrantOrigin, string],
	) => {
		for (const { value } of readRoleValues(raw)) {
			const [origin, source] = at(value);
			out.push({ value, attribute, origin, source });
		}
	};
	read(input.user.roles, "roles", (value) => [{ kind: "user_role", value }, `user-role:${value}`]);
	read(input.user.entitlements, "entitlements", (value) => [
		{ kind: "user_entitlement", value },
		`user-entitlement:${value}`,
	]);
	for (const group of input.groups) {
		const ids = { groupId: group.id, groupName: group.displayName };
		read(group.roles, "roles", (value) => [
			{ kind: "group_role", ...ids, value },
			`group-role:${group.id}:${value}`,
		]);
		read(group.entitlements, "entitlements", (value) => [
			{ kind: "group_entitlement", ...ids, value },
			`group-entitlement:${group.id}:${value}`,
		]);
	}
	return out.sort((a, b) => byCodeUnits(a.source, b.source));
}

/** What made a mapping apply to this user (`group:<id>` or the matched value's source); empty when nothing did. */
function mappingMatches(mapping: AccessMapping, input: AccessInput, values: IdpValue[]): string[] {
	switch (mapping.matchKind) {
		case "group_display_name": {
			const name = mapping.matchValue.toLowerCase();
			return input.groups.filter((g) => g.displayName.toLowerCase() === name).map((g) => `group:${g.id}`);
		}
		case "group_external_id":
			return input.groups.filter((g) => g.externalId === mapping.matchValue).map((g) => `group:${g.id}`);
		case "role_urn":
			return values
				.filter((v) => v.attribute === "roles" && matchesRolePattern(mapping.matchValue, v.value))
				.map((v) => v.source);
		default:
			return [];
	}
}

function mappingTarget(mapping: AccessMapping): string {
	return mapping.targetKind === "tier"
		? String(mapping.tier)
		: `${mapping.projectRole} on ${mapping.projectSelector}`;
}

/**
 * Turns what the IdP sent and the console mappings that apply into tier and project-role candidates,
 * following the organization's role-source policy. Everything that cannot grant anything is reported in
 * `ignored` with a short reason, so an operator can see why a value had no effect.
 */
export function gatherCandidates(input: AccessInput): Candidates {
	const { organization } = input;
	const out: Candidates = { tiers: [], projects: [], ignored: [] };
	const ignore = (value: string, origin: GrantOrigin, source: string, reason: string, detail?: string) =>
		out.ignored.push({ value, origin, source, reason, ...(detail ? { detail } : {}) });
	const knownRole = (role: string) => organization.projectRoles.includes(role);
	const rolesDetail = `known project roles: ${organization.projectRoles.join(", ") || "none"}`;

	const values = idpValues(input);
	const matchedByMapping = new Set<string>();
	for (const mapping of input.mappings) {
		const matches = mappingMatches(mapping, input, values).sort(byCodeUnits);
		const via = matches[0];
		if (via === undefined) continue;
		for (const match of matches) matchedByMapping.add(match);
		const origin: GrantOrigin = { kind: "mapping", mappingId: mapping.id, priority: mapping.priority, via };
		const source = `mapping:${mapping.id}`;
		const target = mappingTarget(mapping);
		if (organization.roleSource === "idp") {
			ignore(target, origin, source, "role source policy", "the organization reads only IdP role values");
		} else if (mapping.targetKind === "tier") {
			const tier = mapping.tier === null ? undefined : parseTier(mapping.tier);
			if (tier) out.tiers.push({ tier, priority: mapping.priority, source, origin });
			else ignore(target, origin, source, "incomplete mapping", "a tier mapping names no valid tier");
		} else if (!mapping.projectSelector || !mapping.projectRole) {
			ignore(
				target,
				origin,
				source,
				"incomplete mapping",
				"a project-role mapping needs a project and a role",
			);
		} else if (!knownRole(mapping.projectRole)) {
			ignore(target, origin, source, "unknown project role", rolesDetail);
		} else {
			const { projectSelector: selector, projectRole: role, priority } = mapping;
			out.projects.push({ selector, role, priority, source, origin, value: target });
		}
	}

	for (const { value, origin, source } of values) {
		const urn = parseRoleUrn(value);
		if (urn.kind === "not_roster_urn") {
			if (!matchedByMapping.has(source)) {
				ignore(
					value,
					origin,
					source,
					"no mapping matches",
					"not a Roster URN; only role_urn mappings read it",
				);
			}
			continue;
		}
		if (organization.roleSource === "console") {
			ignore(value, origin, source, "role source policy", "the organization reads only console mappings");
			continue;
		}
		switch (urn.kind) {
			case "malformed":
				ignore(value, origin, source, "malformed URN", urn.reason);
				break;
			case "organization_role":
				if (urn.organization === "*" || urn.organization === organization.slug) {
					out.tiers.push({ tier: urn.tier, priority: 0, source, origin });
				} else {
					ignore(value, origin, source, "other organization", `this organization is ${organization.slug}`);
				}
				break;
			case "project_role":
				if (knownRole(urn.role)) {
					out.projects.push({ selector: urn.project, role: urn.role, priority: 0, source, origin, value });
				} else {
					ignore(value, origin, source, "unknown project role", rolesDetail);
				}
				break;
			case "project_entitlement":
				if (organization.projectRoles.length > 0) {
					out.projects.push({ selector: urn.project, role: null, priority: 0, source, origin, value });
				} else {
					ignore(value, origin, source, "unknown project role", rolesDetail);
				}
				break;
		}
	}
	return out;
}
