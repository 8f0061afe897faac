import { describe, expect, it } from "vitest";
import {
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
	groupResourceType,
	type JsonObject,
	parseAttributeList,
	project,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const user: JsonObject = {
	schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
	id: "u-1",
	externalId: "ext-1",
	userName: "bjensen",
	name: { givenName: "Barbara", familyName: "Jensen" },
	emails: [
		{ value: "b@example.com", type: "work", primary: true },
		{ value: "b@home.example", type: "home" },
	],
	password: "should-never-appear",
	meta: { resourceType: "User", created: "2020-01-01T00:00:00Z" },
	[ENTERPRISE_USER_SCHEMA]: { department: "Tour", manager: { value: "m-1" } },
};

const group: JsonObject = {
	schemas: [GROUP_SCHEMA],
	id: "g-1",
	displayName: "Engineering",
	members: [{ value: "u-1", display: "bjensen" }],
	meta: { resourceType: "Group" },
};

const { password: _password, ...userWithoutPassword } = user;

describe("project", () => {
	it.each<[string, { attributes?: string; excludedAttributes?: string }, JsonObject]>([
		["by default everything but password", {}, userWithoutPassword],
		[
			"attributes=userName keeps id and schemas",
			{ attributes: "userName" },
			{ schemas: user.schemas, id: "u-1", userName: "bjensen" },
		],
		[
			"sub-attribute selection",
			{ attributes: "name.givenName,emails.value" },
			{
				schemas: user.schemas,
				id: "u-1",
				name: { givenName: "Barbara" },
				emails: [{ value: "b@example.com" }, { value: "b@home.example" }],
			},
		],
		[
			"URN-qualified names in any case",
			{ attributes: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:MANAGER.value, USERNAME" },
			{
				schemas: user.schemas,
				id: "u-1",
				userName: "bjensen",
				[ENTERPRISE_USER_SCHEMA]: { manager: { value: "m-1" } },
			},
		],
		[
			"a whole extension",
			{ attributes: ENTERPRISE_USER_SCHEMA },
			{
				schemas: user.schemas,
				id: "u-1",
				[ENTERPRISE_USER_SCHEMA]: user[ENTERPRISE_USER_SCHEMA] as JsonObject,
			},
		],
		["password even when asked for", { attributes: "password" }, { schemas: user.schemas, id: "u-1" }],
		[
			"id even when excluded",
			{ attributes: "id", excludedAttributes: "id" },
			{ schemas: user.schemas, id: "u-1" },
		],
		["unknown names select nothing", { attributes: "shoeSize" }, { schemas: user.schemas, id: "u-1" }],
	])("keeps %s", (_name, options, expected) => {
		expect(project(user, userResourceType, options)).toEqual(expected);
	});

	it("excludes attributes, sub-attributes and extension attributes", () => {
		const projected = project(user, userResourceType, {
			excludedAttributes:
				"emails.type, meta, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
		});
		expect(projected).toEqual({
			schemas: user.schemas,
			id: "u-1",
			externalId: "ext-1",
			userName: "bjensen",
			name: user.name,
			emails: [{ value: "b@example.com", primary: true }, { value: "b@home.example" }],
			[ENTERPRISE_USER_SCHEMA]: { manager: { value: "m-1" } },
		});
	});

	it("drops members for excludedAttributes=members (checklist #15)", () => {
		expect(project(group, groupResourceType, { excludedAttributes: "members" })).toEqual({
			schemas: [GROUP_SCHEMA],
			id: "g-1",
			displayName: "Engineering",
			meta: { resourceType: "Group" },
		});
		expect(project(group, groupResourceType, { excludedAttributes: "Members" })).not.toHaveProperty(
			"members",
		);
	});

	it("never mutates the resource", () => {
		const before = structuredClone(user);
		project(user, userResourceType, { attributes: "name.givenName", excludedAttributes: "emails" });
		expect(user).toEqual(before);
	});

	it("rejects a malformed name with 400 invalidPath", () => {
		expect(() => project(user, userResourceType, { attributes: "name..x" })).toThrow(
			expect.objectContaining({ status: 400, scimType: "invalidPath" }),
		);
	});
});

describe("parseAttributeList", () => {
	it("splits, trims and skips empty entries", () => {
		expect(parseAttributeList(" userName , ,name.givenName,")).toEqual([
			{ attr: "userName" },
			{ attr: "name", sub: "givenName" },
		]);
		expect(parseAttributeList(undefined)).toEqual([]);
	});
});
