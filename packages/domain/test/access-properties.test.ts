import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type AccessGroup,
	type AccessInput,
	type AccessMapping,
	accessTiers,
	compareTiers,
	resolveAccess,
} from "../src/index.ts";

const projectPool = [
	{ id: "p-1", slug: "alpha" },
	{ id: "p-2", slug: "beta" },
	{ id: "p-3", slug: "gamma" },
	{ id: "beta", slug: "delta" },
];
const selector = fc.constantFrom("*", "p-1", "alpha", "p-2", "beta", "gamma", "delta", "p-9", "omega");
const groupNames = ["Admins", "admins", "Devs", "QA"];
const externalIds = ["ext-1", "ext-2", "EXT-1"];

const roleValue = fc.oneof(
	fc
		.tuple(
			fc.constantFrom("acme", "*", "globex", "ACME"),
			fc.constantFrom("user", "ADMIN", "projectAdmin", "none", "owner"),
		)
		.map(([org, tier]) => `urn:roster:role:organization:${org}:${tier}`),
	fc
		.tuple(selector, fc.constantFrom("admin", "write", "read", "viewer", "Admin"))
		.map(([project, role]) => `urn:roster:role:project:${project}:${role}`),
	selector.map((project) => `urn:roster:entitlement:project:${project}`),
	fc.constantFrom(
		"urn:roster:role:project:alpha",
		"URN:ROSTER:bogus",
		"Okta-Admins",
		"everyone",
		"urn:other:x",
	),
);
/** Role values as IdPs send them: strings, `{value}` objects, or Entra JSON inside a string. */
const sentValue = fc.oneof(
	roleValue,
	roleValue.map((value) => ({ value })),
	roleValue.map((value) => JSON.stringify({ value, displayName: "x" })),
);
const sentValues = fc.array(sentValue, { maxLength: 4 });

const groupArb: fc.Arbitrary<AccessGroup> = fc.record({
	id: fc.constantFrom("g-1", "g-2", "g-3", "g-4"),
	displayName: fc.constantFrom(...groupNames),
	externalId: fc.constantFrom(null, ...externalIds),
	roles: sentValues,
	entitlements: sentValues,
});

const mappingFields = {
	matchKind: fc.constantFrom("group_display_name", "group_external_id", "role_urn") as fc.Arbitrary<
		AccessMapping["matchKind"]
	>,
	matchValue: fc.constantFrom(
		...groupNames,
		...externalIds,
		"okta-*",
		"*",
		"urn:roster:role:project:*",
		"everyone",
	),
	targetKind: fc.constantFrom("tier", "project_role") as fc.Arbitrary<AccessMapping["targetKind"]>,
	tier: fc.constantFrom(null, ...accessTiers),
	projectSelector: fc.constantFrom(null, "*", "p-1", "alpha", "beta", "omega"),
	projectRole: fc.constantFrom(null, "admin", "write", "read", "viewer"),
	priority: fc.integer({ min: -2, max: 3 }),
};
const mappingArb: fc.Arbitrary<AccessMapping> = fc.record({
	id: fc.constantFrom("m-1", "m-2", "m-3", "m-4", "m-5"),
	...mappingFields,
});

const inputArb: fc.Arbitrary<AccessInput> = fc.record({
	organization: fc.record({
		slug: fc.constant("acme"),
		fallbackTier: fc.constantFrom(...accessTiers),
		roleSource: fc.constantFrom("idp", "console", "both") as fc.Arbitrary<
			AccessInput["organization"]["roleSource"]
		>,
		projectRoles: fc.constantFrom(["admin", "write", "read"], ["owner", "viewer"], []),
		autoCreateProjects: fc.boolean(),
	}),
	user: fc.record({ active: fc.constant(true), roles: sentValues, entitlements: sentValues }),
	groups: fc.uniqueArray(groupArb, { selector: (g) => g.id, maxLength: 3 }),
	mappings: fc.uniqueArray(mappingArb, { selector: (m) => m.id, maxLength: 5 }),
	projects: fc.subarray(projectPool),
});

function permutation<T>(items: T[]): fc.Arbitrary<T[]> {
	return fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
}

function permuted(values: unknown): fc.Arbitrary<unknown> {
	return Array.isArray(values) ? permutation(values) : fc.constant(values);
}

/** The same input with groups, mappings, projects and every list of role values in another order. */
function reordered(input: AccessInput): fc.Arbitrary<AccessInput> {
	const groups = input.groups.map((g) =>
		fc
			.record({ roles: permuted(g.roles), entitlements: permuted(g.entitlements) })
			.map((v) => ({ ...g, ...v })),
	);
	return fc
		.record({
			groups: fc.tuple(...groups).chain((gs) => permutation(gs)),
			mappings: permutation(input.mappings),
			projects: permutation(input.projects),
			roles: permuted(input.user.roles),
			entitlements: permuted(input.user.entitlements),
		})
		.map(({ roles, entitlements, ...rest }) => ({
			...input,
			...rest,
			user: { ...input.user, roles, entitlements },
		}));
}

describe("resolveAccess properties", () => {
	it("decides the same for any order of groups, mappings, projects and role values", () => {
		fc.assert(
			fc.property(
				inputArb.chain((input) => fc.tuple(fc.constant(input), reordered(input))),
				([input, shuffled]) => {
					expect(resolveAccess(shuffled)).toEqual(resolveAccess(input));
				},
			),
			{ numRuns: 400 },
		);
	});

	it("gives an inactive user NONE and no project roles", () => {
		fc.assert(
			fc.property(inputArb, (input) => {
				const decision = resolveAccess({ ...input, user: { ...input.user, active: false } });
				expect(decision).toMatchObject({
					tier: "NONE",
					tierSource: "inactive",
					projectRoles: [],
					projectsToCreate: [],
				});
			}),
		);
	});

	it("a group mapping never changes the decision of a user who is not in its group", () => {
		const groupMapping = fc.record({
			...mappingFields,
			id: fc.constant("m-new"),
			matchKind: fc.constantFrom("group_display_name", "group_external_id") as fc.Arbitrary<
				AccessMapping["matchKind"]
			>,
			matchValue: fc.constantFrom(...groupNames, ...externalIds, "Ops", "ext-9"),
		});
		fc.assert(
			fc.property(inputArb, groupMapping, (input, mapping) => {
				const inGroup = input.groups.some((g) =>
					mapping.matchKind === "group_display_name"
						? g.displayName.toLowerCase() === mapping.matchValue.toLowerCase()
						: g.externalId === mapping.matchValue,
				);
				fc.pre(!inGroup);
				const withMapping = { ...input, mappings: [...input.mappings, mapping] };
				expect(resolveAccess(withMapping)).toEqual(resolveAccess(input));
			}),
		);
	});

	it("never gives an active user less than the fallback tier", () => {
		fc.assert(
			fc.property(inputArb, (input) => {
				const { tier } = resolveAccess(input);
				expect(compareTiers(tier, input.organization.fallbackTier)).toBeGreaterThanOrEqual(0);
			}),
		);
	});

	it("gives at most one known role per project, on existing projects or ones it asks to create", () => {
		fc.assert(
			fc.property(inputArb, (input) => {
				const decision = resolveAccess(input);
				const slugs = decision.projectRoles.map((g) => g.projectSlug);
				expect(new Set(slugs).size).toBe(slugs.length);
				for (const grant of decision.projectRoles) {
					expect(input.organization.projectRoles).toContain(grant.role);
					if (grant.projectId === null) expect(decision.projectsToCreate).toContain(grant.projectSlug);
					else expect(input.projects).toContainEqual({ id: grant.projectId, slug: grant.projectSlug });
				}
				if (decision.projectRoles.length > 0) expect(decision.tier).not.toBe("NONE");
			}),
		);
	});
});
