import { type AccessTier, parseTier } from "./tiers.ts";

/** What one role or entitlement value means to Roster. */
export type RoleUrn =
	| { kind: "organization_role"; organization: string; tier: AccessTier }
	| { kind: "project_role"; project: string; role: string }
	| { kind: "project_entitlement"; project: string }
	| { kind: "not_roster_urn" }
	| { kind: "malformed"; reason: string };

const rosterPrefix = "urn:roster:";

const shapes = {
	organization: "urn:roster:role:organization:<slug|*>:<tier>",
	project: "urn:roster:role:project:<id|slug|*>:<role>",
	entitlement: "urn:roster:entitlement:project:<id|slug>",
};

function malformed(reason: string): RoleUrn {
	return { kind: "malformed", reason };
}

/** Whether a value claims to be a Roster URN (scheme compared case-insensitively), well-formed or not. */
export function isRosterUrn(value: string): boolean {
	return value.slice(0, rosterPrefix.length).toLowerCase() === rosterPrefix;
}

/**
 * Parses a Roster role or entitlement URN. The scheme and keywords (`role`, `organization`, `project`,
 * `entitlement`, tier names) are case-insensitive; slugs, ids and project role names are kept as sent
 * because they are compared exactly. Values outside `urn:roster:` are not errors (`not_roster_urn`: they can
 * still match console mappings); a value inside it that does not parse is `malformed`, with the reason an
 * operator needs to fix the IdP configuration.
 */
export function parseRoleUrn(value: string): RoleUrn {
	if (!isRosterUrn(value)) return { kind: "not_roster_urn" };
	const parts = value.split(":");
	if (parts.some((part) => part === "")) return malformed("empty segment");
	const [, , family = "", scope = "", target = "", name = ""] = parts;
	switch (family.toLowerCase()) {
		case "role":
			switch (scope.toLowerCase()) {
				case "organization": {
					if (parts.length !== 6) return malformed(`expected ${shapes.organization}`);
					const tier = parseTier(name);
					if (!tier) return malformed(`unknown tier "${name}" (user, projectadmin, admin or none)`);
					return { kind: "organization_role", organization: target, tier };
				}
				case "project":
					if (parts.length !== 6) return malformed(`expected ${shapes.project}`);
					return { kind: "project_role", project: target, role: name };
				default:
					return malformed(`unknown role scope "${scope}" (organization or project)`);
			}
		case "entitlement":
			if (scope.toLowerCase() !== "project")
				return malformed(`unknown entitlement scope "${scope}" (project)`);
			if (parts.length !== 5) return malformed(`expected ${shapes.entitlement}`);
			if (target === "*") return malformed("an entitlement names one project, not *");
			return { kind: "project_entitlement", project: target };
		default:
			return malformed(`unknown URN kind "${family}" (role or entitlement)`);
	}
}
