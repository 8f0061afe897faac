import { describe, expect, it } from "vitest";
import { type AccessDecision, type AccessInput, resolveAccess } from "../src/index.ts";
import {
	accessInput,
	group,
	type InputParts,
	roleMapping,
	rolesBySlug,
	tierMapping,
} from "./access-fixtures.ts";

interface Expected {
	tier: AccessDecision["tier"];
	tierSource: string;
	/** `{ slug: "role@source" }`; exactly these projects get a role. */
	roles?: Record<string, string>;
	create?: string[];
	/** `[source, reason]` pairs that must be among `explanation.ignored`. */
	ignored?: [string, string][];
	/** `[source, target value, text the reason contains]` triples that must be among `explanation.overruled`. */
	overruled?: [string, string, string][];
}

interface Case extends Expected {
	name: string;
	input: InputParts;
}

function check(decision: AccessDecision, expected: Expected) {
	expect({ tier: decision.tier, tierSource: decision.tierSource }).toEqual({
		tier: expected.tier,
		tierSource: expected.tierSource,
	});
	expect(rolesBySlug(decision)).toEqual(expected.roles ?? {});
	expect(decision.projectsToCreate).toEqual(expected.create ?? []);
	const ignored = decision.explanation.ignored.map((i) => [i.source, i.reason]);
	for (const pair of expected.ignored ?? []) expect(ignored).toContainEqual(pair);
	for (const [source, value, reason] of expected.overruled ?? []) {
		expect(decision.explanation.overruled).toContainEqual(
			expect.objectContaining({ source, value, reason: expect.stringContaining(reason) }),
		);
	}
}

const orgAdmin = "urn:roster:role:organization:acme:admin";
const admins = group("g-admins", { displayName: "Engineering Admins", externalId: "ext-42" });

const tierCases: Case[] = [
	{ name: "no rule: the fallback tier", input: {}, tier: "NONE", tierSource: "fallback" },
	{
		name: "no rule with fallback USER: USER from the fallback",
		input: { organization: { fallbackTier: "USER" } },
		tier: "USER",
		tierSource: "fallback",
	},
	{
		name: "an organization URN for this organization's slug grants its tier",
		input: { roles: [orgAdmin] },
		tier: "ADMIN",
		tierSource: `user-role:${orgAdmin}`,
	},
	{
		name: "the * slug means this organization",
		input: { roles: ["urn:roster:role:organization:*:projectadmin"] },
		tier: "PROJECTADMIN",
		tierSource: "user-role:urn:roster:role:organization:*:projectadmin",
	},
	{
		name: "scheme, keywords and tier are case-insensitive",
		input: { roles: ["URN:Roster:Role:ORGANIZATION:acme:ProjectAdmin"] },
		tier: "PROJECTADMIN",
		tierSource: "user-role:URN:Roster:Role:ORGANIZATION:acme:ProjectAdmin",
	},
	{
		name: "another organization's slug is ignored",
		input: { roles: ["urn:roster:role:organization:globex:admin"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:organization:globex:admin", "other organization"]],
	},
	{
		name: "the slug is compared as sent",
		input: { roles: ["urn:roster:role:organization:ACME:admin"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:organization:ACME:admin", "other organization"]],
	},
	{
		name: "the highest tier wins over the user's own lower one",
		input: {
			roles: ["urn:roster:role:organization:*:user"],
			groups: [group("g1", { roles: [orgAdmin] })],
		},
		tier: "ADMIN",
		tierSource: `group-role:g1:${orgAdmin}`,
		overruled: [["user-role:urn:roster:role:organization:*:user", "USER", "a higher tier"]],
	},
	{
		name: "a none value never lowers the fallback tier",
		input: { organization: { fallbackTier: "USER" }, roles: ["urn:roster:role:organization:*:none"] },
		tier: "USER",
		tierSource: "fallback",
		overruled: [["user-role:urn:roster:role:organization:*:none", "NONE", "a higher tier"]],
	},
	{
		name: "equal tiers: a rule beats the fallback",
		input: { organization: { fallbackTier: "USER" }, roles: ["urn:roster:role:organization:*:user"] },
		tier: "USER",
		tierSource: "user-role:urn:roster:role:organization:*:user",
		overruled: [["fallback", "USER", "a rule beats the fallback"]],
	},
	{
		name: "equal tiers: a negative mapping priority beats an IdP value (priority 0)",
		input: {
			roles: [orgAdmin],
			groups: [admins],
			mappings: [tierMapping("m1", { matchValue: "Engineering Admins", priority: -1 })],
		},
		tier: "ADMIN",
		tierSource: "mapping:m1",
		overruled: [[`user-role:${orgAdmin}`, "ADMIN", "lower priority -1"]],
	},
	{
		name: "equal tiers: an IdP value (priority 0) beats a positive mapping priority",
		input: {
			roles: [orgAdmin],
			groups: [admins],
			mappings: [tierMapping("m1", { matchValue: "Engineering Admins", priority: 5 })],
		},
		tier: "ADMIN",
		tierSource: `user-role:${orgAdmin}`,
		overruled: [["mapping:m1", "ADMIN", "lower priority 0"]],
	},
	{
		name: "equal tiers and priorities: the source string decides",
		input: { roles: [orgAdmin], groups: [group("g1", { roles: [orgAdmin] })] },
		tier: "ADMIN",
		tierSource: `group-role:g1:${orgAdmin}`,
		overruled: [[`user-role:${orgAdmin}`, "ADMIN", "source order"]],
	},
	{
		name: "a project role lifts NONE to USER",
		input: { roles: ["urn:roster:role:project:staging:write"] },
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { staging: "write@user-role:urn:roster:role:project:staging:write" },
		overruled: [["fallback", "NONE", "a project role implies USER"]],
	},
	{
		name: "a project role does not change a tier above NONE",
		input: {
			roles: ["urn:roster:role:project:staging:write", "urn:roster:role:organization:*:projectadmin"],
		},
		tier: "PROJECTADMIN",
		tierSource: "user-role:urn:roster:role:organization:*:projectadmin",
		roles: { staging: "write@user-role:urn:roster:role:project:staging:write" },
	},
];

const sourceCases: Case[] = [
	{
		name: "policy idp: mappings are ignored, IdP values apply",
		input: {
			organization: { roleSource: "idp" },
			roles: ["urn:roster:role:organization:*:user"],
			groups: [admins],
			mappings: [tierMapping("m1", { matchValue: "Engineering Admins" })],
		},
		tier: "USER",
		tierSource: "user-role:urn:roster:role:organization:*:user",
		ignored: [["mapping:m1", "role source policy"]],
	},
	{
		name: "policy console: IdP URNs are ignored, mappings apply",
		input: {
			organization: { roleSource: "console" },
			roles: [orgAdmin],
			entitlements: ["urn:roster:entitlement:project:staging"],
			groups: [admins],
			mappings: [tierMapping("m1", { matchValue: "Engineering Admins", tier: "PROJECTADMIN" })],
		},
		tier: "PROJECTADMIN",
		tierSource: "mapping:m1",
		ignored: [
			[`user-role:${orgAdmin}`, "role source policy"],
			["user-entitlement:urn:roster:entitlement:project:staging", "role source policy"],
		],
	},
	{
		name: "policy console: a role_urn mapping still reads IdP values",
		input: {
			organization: { roleSource: "console" },
			roles: [orgAdmin],
			mappings: [tierMapping("m1", { matchKind: "role_urn", matchValue: "urn:roster:role:organization:*" })],
		},
		tier: "ADMIN",
		tierSource: "mapping:m1",
		ignored: [[`user-role:${orgAdmin}`, "role source policy"]],
	},
	{
		name: "policy both: IdP values and mappings compete",
		input: {
			roles: ["urn:roster:role:organization:*:user"],
			groups: [admins],
			mappings: [tierMapping("m1", { matchValue: "Engineering Admins" })],
		},
		tier: "ADMIN",
		tierSource: "mapping:m1",
		overruled: [["user-role:urn:roster:role:organization:*:user", "USER", "a higher tier"]],
	},
	{
		name: "user entitlements, group roles and group entitlements are all read",
		input: {
			entitlements: ["urn:roster:entitlement:project:staging"],
			groups: [
				group("g1", {
					roles: ["urn:roster:role:project:production:write"],
					entitlements: ["urn:roster:entitlement:project:development"],
				}),
			],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: {
			staging: "read@user-entitlement:urn:roster:entitlement:project:staging",
			production: "write@group-role:g1:urn:roster:role:project:production:write",
			development: "read@group-entitlement:g1:urn:roster:entitlement:project:development",
		},
	},
	{
		name: "Entra JSON-in-string and {value} objects are read like plain strings",
		input: {
			roles: [
				JSON.stringify({ value: orgAdmin, displayName: "Admin" }),
				{ value: "urn:roster:role:project:staging:write" },
			],
		},
		tier: "ADMIN",
		tierSource: `user-role:${orgAdmin}`,
		roles: { staging: "write@user-role:urn:roster:role:project:staging:write" },
	},
	{
		name: "an unmatched value outside urn:roster: is reported, not an error",
		input: { roles: ["Everyone"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:Everyone", "no mapping matches"]],
	},
	{
		name: "a malformed Roster URN is ignored and reported",
		input: { roles: ["urn:roster:role:project:production"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:project:production", "malformed URN"]],
	},
];

const mappingCases: Case[] = [
	{
		name: "group_display_name matches case-insensitively",
		input: { groups: [admins], mappings: [tierMapping("m1", { matchValue: "engineering ADMINS" })] },
		tier: "ADMIN",
		tierSource: "mapping:m1",
	},
	{
		name: "group_external_id matches exactly",
		input: {
			groups: [admins],
			mappings: [
				tierMapping("m1", { matchKind: "group_external_id", matchValue: "EXT-42" }),
				tierMapping("m2", { matchKind: "group_external_id", matchValue: "ext-42", tier: "USER" }),
			],
		},
		tier: "USER",
		tierSource: "mapping:m2",
	},
	{
		name: "role_urn matches the user's role values with * as a wildcard, case-insensitively",
		input: {
			roles: ["Okta-Prod-Admins"],
			mappings: [tierMapping("m1", { matchKind: "role_urn", matchValue: "okta-*-admins" })],
		},
		tier: "ADMIN",
		tierSource: "mapping:m1",
	},
	{
		name: "role_urn matches role values of the user's groups",
		input: {
			groups: [group("g1", { roles: ["Billing"] })],
			mappings: [tierMapping("m1", { matchKind: "role_urn", matchValue: "billing", tier: "USER" })],
		},
		tier: "USER",
		tierSource: "mapping:m1",
	},
	{
		name: "role_urn does not read entitlements",
		input: {
			entitlements: ["Okta-Prod-Admins"],
			mappings: [tierMapping("m1", { matchKind: "role_urn", matchValue: "okta-*" })],
		},
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-entitlement:Okta-Prod-Admins", "no mapping matches"]],
	},
	{
		name: "a mapping for a group the user is not in does nothing",
		input: { groups: [group("g1")], mappings: [tierMapping("m1", { matchValue: "Engineering Admins" })] },
		tier: "NONE",
		tierSource: "fallback",
	},
	{
		name: "a project_role mapping grants its role on a slug",
		input: {
			groups: [admins],
			mappings: [roleMapping("m1", "staging", "write", { matchValue: "Engineering Admins" })],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { staging: "write@mapping:m1" },
	},
	{
		name: "a project_role mapping naming an unknown role is ignored",
		input: {
			groups: [admins],
			mappings: [roleMapping("m1", "staging", "owner", { matchValue: "Engineering Admins" })],
		},
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["mapping:m1", "unknown project role"]],
	},
];

const testkube = [
	"urn:roster:role:project:*:read",
	"urn:roster:role:project:production:admin",
	"urn:roster:role:organization:*:user",
];

const projectCases: Case[] = [
	{
		name: "the Testkube guide's example: USER, read everywhere, admin on production",
		input: { roles: testkube },
		tier: "USER",
		tierSource: "user-role:urn:roster:role:organization:*:user",
		roles: {
			production: "admin@user-role:urn:roster:role:project:production:admin",
			staging: "read@user-role:urn:roster:role:project:*:read",
			development: "read@user-role:urn:roster:role:project:*:read",
		},
		overruled: [["user-role:urn:roster:role:project:*:read", "read", "slug beats wildcard"]],
	},
	{
		name: "an exact id beats a slug, even with a less privileged role",
		input: { roles: ["urn:roster:role:project:p-prod:read", "urn:roster:role:project:production:admin"] },
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { production: "read@user-role:urn:roster:role:project:p-prod:read" },
		overruled: [["user-role:urn:roster:role:project:production:admin", "admin", "exact id beats slug"]],
	},
	{
		name: "a wildcard beats the default of an entitlement",
		input: {
			roles: ["urn:roster:role:project:*:write"],
			entitlements: ["urn:roster:entitlement:project:staging"],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: {
			production: "write@user-role:urn:roster:role:project:*:write",
			staging: "write@user-role:urn:roster:role:project:*:write",
			development: "write@user-role:urn:roster:role:project:*:write",
		},
		overruled: [
			[
				"user-entitlement:urn:roster:entitlement:project:staging",
				"read",
				"wildcard beats default entitlement",
			],
		],
	},
	{
		name: "an entitlement alone grants the least privileged role",
		input: {
			organization: { projectRoles: ["owner", "editor", "viewer"] },
			entitlements: ["urn:roster:entitlement:project:p-stg"],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { staging: "viewer@user-entitlement:urn:roster:entitlement:project:p-stg" },
	},
	{
		name: "same specificity: the lower priority wins over a more privileged role",
		input: {
			groups: [admins],
			mappings: [
				roleMapping("m-admin", "production", "admin", { matchValue: "Engineering Admins", priority: 2 }),
				roleMapping("m-write", "production", "write", { matchValue: "Engineering Admins", priority: 1 }),
			],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { production: "write@mapping:m-write" },
		overruled: [["mapping:m-admin", "admin", "lower priority 1 beats 2"]],
	},
	{
		name: "same specificity and priority: the more privileged role wins",
		input: {
			roles: ["urn:roster:role:project:production:read"],
			groups: [group("g1", { roles: ["urn:roster:role:project:production:write"] })],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { production: "write@group-role:g1:urn:roster:role:project:production:write" },
		overruled: [["user-role:urn:roster:role:project:production:read", "read", "more privileged role"]],
	},
	{
		name: "same everything: the source string decides",
		input: {
			groups: [admins],
			mappings: [
				roleMapping("m-b", "staging", "write", { matchValue: "Engineering Admins" }),
				roleMapping("m-a", "staging", "write", { matchValue: "Engineering Admins" }),
			],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		roles: { staging: "write@mapping:m-a" },
		overruled: [["mapping:m-b", "write", "source order"]],
	},
	{
		name: "a role the organization does not know is ignored",
		input: { roles: ["urn:roster:role:project:production:Admin"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:project:production:Admin", "unknown project role"]],
	},
	{
		name: "a role for an unknown project is ignored",
		input: { roles: ["urn:roster:role:project:qa:admin"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:project:qa:admin", "unknown project"]],
	},
	{
		name: "an entitlement to an unknown project is ignored when projects are not auto-created",
		input: { entitlements: ["urn:roster:entitlement:project:qa"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-entitlement:urn:roster:entitlement:project:qa", "unknown project"]],
	},
	{
		name: "an entitlement to an unknown project creates it when allowed; wildcards and slugs reach it",
		input: {
			organization: { autoCreateProjects: true },
			projects: [],
			roles: ["urn:roster:role:project:*:write", "urn:roster:role:project:qa:admin"],
			entitlements: ["urn:roster:entitlement:project:qa", "urn:roster:entitlement:project:load"],
		},
		tier: "USER",
		tierSource: "implied:project-role",
		create: ["load", "qa"],
		roles: {
			load: "write@user-role:urn:roster:role:project:*:write",
			qa: "admin@user-role:urn:roster:role:project:qa:admin",
		},
	},
	{
		name: "a wildcard with no project at all is reported",
		input: { projects: [], roles: ["urn:roster:role:project:*:read"] },
		tier: "NONE",
		tierSource: "fallback",
		ignored: [["user-role:urn:roster:role:project:*:read", "unknown project"]],
	},
];

describe("resolveAccess", () => {
	describe.each([
		["tier", tierCases],
		["role sources", sourceCases],
		["console mappings", mappingCases],
		["project roles", projectCases],
	])("%s", (_, cases) => {
		it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
			check(resolveAccess(accessInput(c.input)), c);
		});
	});

	it("an inactive user gets NONE, no project roles, and everything else explained as user inactive", () => {
		const input: AccessInput = accessInput({
			active: false,
			organization: { fallbackTier: "USER", autoCreateProjects: true },
			roles: [...testkube, orgAdmin, "urn:roster:bogus"],
			entitlements: ["urn:roster:entitlement:project:qa"],
		});
		const decision = resolveAccess(input);
		expect(decision).toMatchObject({
			tier: "NONE",
			tierSource: "inactive",
			projectRoles: [],
			projectsToCreate: [],
		});
		expect(decision.explanation.granted).toEqual([
			{ target: { kind: "tier" }, value: "NONE", origin: { kind: "inactive" }, source: "inactive" },
		]);
		const active = resolveAccess({ ...input, user: { ...input.user, active: true } });
		const wouldApply = active.explanation.granted.length + active.explanation.overruled.length;
		expect(decision.explanation.overruled).toHaveLength(wouldApply);
		expect(new Set(decision.explanation.overruled.map((g) => g.reason))).toEqual(new Set(["user inactive"]));
		expect(decision.explanation.ignored).toContainEqual(
			expect.objectContaining({
				source: "user-role:urn:roster:bogus",
				reason: "user inactive",
				detail: expect.stringContaining("malformed URN"),
			}),
		);
	});

	it("explains an implied USER by the project role that implies it", () => {
		const decision = resolveAccess(accessInput({ roles: ["urn:roster:role:project:staging:write"] }));
		expect(decision.explanation.granted).toContainEqual({
			target: { kind: "tier" },
			value: "USER",
			origin: { kind: "user_role", value: "urn:roster:role:project:staging:write" },
			source: "implied:project-role",
			reason: "a project role implies USER: write on staging",
		});
	});

	it("explains a wildcard once for all the projects it wins or loses the same way on", () => {
		const many = Array.from({ length: 50 }, (_, i) => ({
			id: `id-${i}`,
			slug: `p-${String(i).padStart(2, "0")}`,
		}));
		const decision = resolveAccess(
			accessInput({
				projects: many,
				roles: ["urn:roster:role:project:*:write", "urn:roster:role:project:p-07:admin"],
				groups: [group("g1", { roles: ["urn:roster:role:project:*:read"] })],
			}),
		);
		expect(decision.projectRoles).toHaveLength(50);
		const star = "user-role:urn:roster:role:project:*:write";
		expect(decision.explanation.granted.filter((g) => g.target.kind === "project")).toEqual([
			expect.objectContaining({
				source: star,
				target: expect.objectContaining({ projectSlug: "p-00" }),
				otherProjects: 48,
			}),
			expect.objectContaining({ source: "user-role:urn:roster:role:project:p-07:admin" }),
		]);
		const readLost = decision.explanation.overruled.filter((g) => g.source?.startsWith("group-role:g1:"));
		expect(
			readLost.map((g) => [g.target.kind === "project" && g.target.projectSlug, g.otherProjects, g.reason]),
		).toEqual([
			["p-00", 48, `more privileged role beats read; won by write from ${star}`],
			[
				"p-07",
				undefined,
				"slug beats wildcard; won by admin from user-role:urn:roster:role:project:p-07:admin",
			],
		]);
	});

	it("a project whose slug another project also uses still gets wildcard roles", () => {
		const decision = resolveAccess(
			accessInput({
				projects: [
					{ id: "a", slug: "same" },
					{ id: "b", slug: "same" },
				],
				roles: ["urn:roster:role:project:*:read"],
			}),
		);
		expect(decision.projectRoles.map((g) => g.projectId)).toEqual(["a", "b"]);
	});

	it("records a mapping's origin with its priority and what matched", () => {
		const decision = resolveAccess(
			accessInput({
				groups: [admins],
				mappings: [tierMapping("m1", { matchValue: "Engineering Admins", priority: 3 })],
			}),
		);
		expect(decision.explanation.granted).toEqual([
			{
				target: { kind: "tier" },
				value: "ADMIN",
				origin: { kind: "mapping", mappingId: "m1", priority: 3, via: "group:g-admins" },
				source: "mapping:m1",
			},
		]);
	});
});
