import { describe, expect, it } from "vitest";
import {
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
	groupResourceType,
	normalizeResource,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

describe("normalizeResource: IdP bodies", () => {
	it("keeps Entra's create-user body and drops meta", () => {
		const { resource, passwordSupplied } = normalizeResource(
			{
				schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
				externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
				userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
				active: true,
				emails: [{ primary: true, type: "work", value: "Test_User_11bb11bb@testuser.com" }],
				meta: { resourceType: "User" },
				name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
				roles: [],
			},
			userResourceType,
		);
		expect(resource).toEqual({
			schemas: [USER_SCHEMA],
			externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
			userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
			active: true,
			emails: [{ primary: true, type: "work", value: "Test_User_11bb11bb@testuser.com" }],
			name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
		});
		expect(passwordSupplied).toBe(false);
	});

	it("accepts Entra's older bodies: nulls, a malformed URN, custom extension data without its URN, string manager", () => {
		const { resource } = normalizeResource(
			{
				schemas: [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
				userName: "a@example.com",
				nickName: null,
				active: "False",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0User": { department: "lost" },
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
					department: "Sales",
					manager: "m-1",
					costCenter: null,
				},
				"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User": { badge: "7" },
			},
			userResourceType,
		);
		expect(resource).toEqual({
			schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
			userName: "a@example.com",
			active: false,
			[ENTERPRISE_USER_SCHEMA]: { department: "Sales", manager: { value: "m-1" } },
		});
	});

	it("keeps Okta's create-user body, dropping groups and password but reporting the password", () => {
		const { resource, passwordSupplied } = normalizeResource(
			{
				schemas: [USER_SCHEMA],
				userName: "test.user@okta.local",
				name: { givenName: "Test", familyName: "User" },
				emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
				displayName: "Test User",
				locale: "en-US",
				externalId: "00ujl29u0le5T6Aj10h7",
				groups: [],
				password: "1mz050nq",
				active: true,
			},
			userResourceType,
		);
		expect(resource).toEqual({
			schemas: [USER_SCHEMA],
			userName: "test.user@okta.local",
			name: { givenName: "Test", familyName: "User" },
			emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
			displayName: "Test User",
			locale: "en-US",
			externalId: "00ujl29u0le5T6Aj10h7",
			active: true,
		});
		expect(passwordSupplied).toBe(true);
	});

	it("accepts Okta's PUT built from Roster's own GET output", () => {
		const { resource } = normalizeResource(
			{
				schemas: [USER_SCHEMA],
				id: "23a35c27-23d3-4c03-b4c5-6443c09e7173",
				userName: "test.user@okta.local",
				name: { givenName: "Another", middleName: "Excited", familyName: "User" },
				emails: [
					{ primary: true, value: "test.user@okta.local", type: "work", display: "test.user@okta.local" },
				],
				active: true,
				groups: [],
				meta: { resourceType: "User" },
			},
			userResourceType,
		);
		expect(resource).toEqual({
			schemas: [USER_SCHEMA],
			userName: "test.user@okta.local",
			name: { givenName: "Another", middleName: "Excited", familyName: "User" },
			emails: [
				{ primary: true, value: "test.user@okta.local", type: "work", display: "test.user@okta.local" },
			],
			active: true,
		});
	});

	it("wraps Okta's role strings and keeps Entra's role objects", () => {
		const { resource } = normalizeResource(
			{
				userName: "r@example.com",
				roles: ["urn:testkube:role:organization:*:admin"],
				entitlements: [{ value: "urn:testkube:entitlement:environment:staging" }],
			},
			userResourceType,
		);
		expect(resource.roles).toEqual([{ value: "urn:testkube:role:organization:*:admin" }]);
		expect(resource.entitlements).toEqual([{ value: "urn:testkube:entitlement:environment:staging" }]);
	});

	it("keeps Okta's group bodies with members and display", () => {
		const { resource } = normalizeResource(
			{
				schemas: [GROUP_SCHEMA],
				displayName: "Test SCIMv2",
				members: [
					{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local", $ref: null },
				],
			},
			groupResourceType,
		);
		expect(resource).toEqual({
			schemas: [GROUP_SCHEMA],
			displayName: "Test SCIMv2",
			members: [{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local" }],
		});
	});

	it("drops Entra's unknown group schema URN", () => {
		const { resource } = normalizeResource(
			{
				schemas: [GROUP_SCHEMA, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
				externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
				displayName: "displayName",
				meta: { resourceType: "Group" },
			},
			groupResourceType,
		);
		expect(resource).toEqual({
			schemas: [GROUP_SCHEMA],
			externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
			displayName: "displayName",
		});
	});
});

describe("normalizeResource: canonical form", () => {
	it("rewrites attribute names to the schema's spelling, in any case, including URN and dotted keys", () => {
		const { resource } = normalizeResource(
			{
				USERNAME: "x@example.com",
				Name: { GIVENNAME: "X" },
				"name.familyName": "Y",
				Emails: { Value: "x@example.com", Primary: "TRUE" },
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42",
				"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {
					Manager: { Value: "m", displayName: "M" },
				},
			},
			userResourceType,
		);
		expect(resource).toEqual({
			schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
			userName: "x@example.com",
			name: { givenName: "X", familyName: "Y" },
			emails: [{ value: "x@example.com", primary: true }],
			[ENTERPRISE_USER_SCHEMA]: { employeeNumber: "42", manager: { value: "m" } },
		});
	});

	it("takes the manager from a one-element list", () => {
		const { resource } = normalizeResource(
			{ userName: "x", [ENTERPRISE_USER_SCHEMA]: { manager: [{ value: "m", $ref: "../Users/m" }] } },
			userResourceType,
		);
		expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: "m", $ref: "../Users/m" } });
	});
});

describe("normalizeResource: errors", () => {
	it.each<[string, unknown, string]>([
		["an array body", [], "invalidSyntax"],
		["a string body", "x", "invalidSyntax"],
		["null", null, "invalidSyntax"],
		["userName: 5", { userName: 5 }, "invalidValue"],
		['emails: "x"', { userName: "u", emails: "x" }, "invalidValue"],
		['active: "yes"', { userName: "u", active: "yes" }, "invalidValue"],
		["an extension that is not an object", { userName: "u", [ENTERPRISE_USER_SCHEMA]: "x" }, "invalidValue"],
		["a missing userName", { displayName: "u" }, "invalidValue"],
		["a blank userName", { userName: " " }, "invalidValue"],
		["a NUL in a value", { userName: "a\u0000b" }, "invalidValue"],
		["a NUL in an unknown attribute", { userName: "u", other: ["\u0000"] }, "invalidValue"],
	])("rejects %s on users with 400 %s", (_name, body, scimType) => {
		expect(() => normalizeResource(body, userResourceType)).toThrow(
			expect.objectContaining({ status: 400, scimType }),
		);
	});

	it("requires a group displayName", () => {
		expect(() => normalizeResource({ members: [] }, groupResourceType)).toThrow(
			expect.objectContaining({ status: 400, scimType: "invalidValue" }),
		);
	});
});
