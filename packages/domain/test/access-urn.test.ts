import { describe, expect, it } from "vitest";
import {
	compareTiers,
	matchesRolePattern,
	maxTier,
	parseRoleUrn,
	parseTier,
	type RoleUrn,
} from "../src/index.ts";

describe("parseRoleUrn", () => {
	it.each<[string, RoleUrn]>([
		[
			"urn:roster:role:organization:acme:admin",
			{ kind: "organization_role", organization: "acme", tier: "ADMIN" },
		],
		["urn:roster:role:organization:*:user", { kind: "organization_role", organization: "*", tier: "USER" }],
		[
			"URN:Roster:ROLE:Organization:Acme:ProjectAdmin",
			{ kind: "organization_role", organization: "Acme", tier: "PROJECTADMIN" },
		],
		[
			"urn:roster:role:organization:acme:NONE",
			{ kind: "organization_role", organization: "acme", tier: "NONE" },
		],
		[
			"urn:roster:role:project:production:admin",
			{ kind: "project_role", project: "production", role: "admin" },
		],
		["urn:roster:role:PROJECT:*:Write", { kind: "project_role", project: "*", role: "Write" }],
		["urn:roster:entitlement:project:p-123", { kind: "project_entitlement", project: "p-123" }],
		["Urn:Roster:Entitlement:Project:Staging", { kind: "project_entitlement", project: "Staging" }],
	])("reads %s", (value, expected) => {
		expect(parseRoleUrn(value)).toEqual(expected);
	});

	it.each([
		["Admin"],
		["urn:testkube:role:organization:*:admin"],
		["urn:rosterx:role:organization:*:admin"],
		[" urn:roster:role:organization:*:admin"],
		[""],
	])("leaves %j to console mappings as not a Roster URN", (value) => {
		expect(parseRoleUrn(value)).toEqual({ kind: "not_roster_urn" });
	});

	it.each([
		["urn:roster:", "empty segment"],
		["urn:roster:role:organization::admin", "empty segment"],
		["urn:roster:role:organization:acme:owner", 'unknown tier "owner"'],
		["urn:roster:role:organization:acme", "expected urn:roster:role:organization:<slug|*>:<tier>"],
		["urn:roster:role:organization:acme:admin:extra", "expected urn:roster:role:organization"],
		["urn:roster:role:project:production", "expected urn:roster:role:project:<id|slug|*>:<role>"],
		["urn:roster:role:environment:production:admin", 'unknown role scope "environment"'],
		["urn:roster:entitlement:project:*", "not *"],
		["urn:roster:entitlement:project:a:b", "expected urn:roster:entitlement:project:<id|slug>"],
		["urn:roster:entitlement:team:qa", 'unknown entitlement scope "team"'],
		["urn:roster:group:qa", 'unknown URN kind "group"'],
	])("reports %s as malformed: %s", (value, reason) => {
		const parsed = parseRoleUrn(value);
		expect(parsed.kind).toBe("malformed");
		expect(parsed.kind === "malformed" && parsed.reason).toContain(reason);
	});
});

describe("matchesRolePattern", () => {
	it.each([
		["okta-*-admins", "Okta-Prod-Admins", true],
		["okta-*-admins", "okta--admins", true],
		["okta-*-admins", "okta-prod-admins-old", false],
		["*", "anything", true],
		["*", "", true],
		["Admin", "admin", true],
		["Admin", "Administrator", false],
		["a*b*c", "axxbyyc", true],
		["a*b*c", "axxcyyb", false],
		["urn:roster:role:project:*:admin", "URN:ROSTER:role:project:production:Admin", true],
		["a.c", "abc", false],
		["*a*a*a*a*a*a*a*b", "a".repeat(200), false],
	])("%s against %s → %s", (pattern, value, expected) => {
		expect(matchesRolePattern(pattern, value)).toBe(expected);
	});
});

describe("tiers", () => {
	it("orders NONE < USER < PROJECTADMIN < ADMIN", () => {
		expect(compareTiers("ADMIN", "PROJECTADMIN")).toBeGreaterThan(0);
		expect(compareTiers("USER", "PROJECTADMIN")).toBeLessThan(0);
		expect(compareTiers("NONE", "NONE")).toBe(0);
		expect(maxTier("USER", "ADMIN", "NONE")).toBe("ADMIN");
		expect(maxTier()).toBe("NONE");
	});

	it("reads tier keywords in any case and nothing else", () => {
		expect(parseTier("projectAdmin")).toBe("PROJECTADMIN");
		expect(parseTier("none")).toBe("NONE");
		expect(parseTier("owner")).toBeUndefined();
		expect(parseTier("admin ")).toBeUndefined();
	});
});
