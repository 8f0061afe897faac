import { describe, expect, it } from "vitest";
import {
	groupResourceType,
	type JsonObject,
	type ProjectionOptions,
	parseAttributeList,
	project,
	projectsAttribute,
	ScimError,
	strictSyntax,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const user: JsonObject = {
	schemas: [USER_SCHEMA],
	id: "u-1",
	userName: "bjensen",
	emails: [
		{ value: "b@example.com", type: "work", primary: true },
		{ value: "b@home.example", type: "home" },
		{ value: "b2@example.com", type: "work" },
	],
	groups: [{ value: "g-1", display: "Eng", type: "direct" }],
	meta: { resourceType: "User" },
};

function rejection(run: () => unknown): ScimError {
	try {
		run();
	} catch (error) {
		if (error instanceof ScimError) return error;
		throw error;
	}
	throw new Error("expected a ScimError");
}

describe("attributes with a value filter", () => {
	it.each<[string, ProjectionOptions, JsonObject]>([
		[
			"keeps only the values the filter matches",
			{ attributes: 'emails[type eq "work"]' },
			{
				schemas: [USER_SCHEMA],
				id: "u-1",
				emails: [
					{ value: "b@example.com", type: "work", primary: true },
					{ value: "b2@example.com", type: "work" },
				],
			},
		],
		[
			"narrows to a sub-attribute after the brackets, with unquoted values and any case",
			{ attributes: "EMAILS[TYPE eq work and primary eq true].Value,userName" },
			{ schemas: [USER_SCHEMA], id: "u-1", userName: "bjensen", emails: [{ value: "b@example.com" }] },
		],
		[
			"unites several filters on one attribute, commas inside brackets included",
			{ attributes: 'emails[type eq "home"],emails[value co "b2@" or value eq ","]' },
			{
				schemas: [USER_SCHEMA],
				id: "u-1",
				emails: [
					{ value: "b@home.example", type: "home" },
					{ value: "b2@example.com", type: "work" },
				],
			},
		],
		[
			"drops the attribute when no value matches",
			{ attributes: 'userName,emails[type eq "other"]' },
			{ schemas: [USER_SCHEMA], id: "u-1", userName: "bjensen" },
		],
		[
			"in excludedAttributes, drops only the matching values",
			{ excludedAttributes: 'emails[type eq "work"],groups,meta' },
			{
				schemas: [USER_SCHEMA],
				id: "u-1",
				userName: "bjensen",
				emails: [{ value: "b@home.example", type: "home" }],
			},
		],
		[
			"in excludedAttributes with a sub-attribute, drops it from the matching values only",
			{ excludedAttributes: 'emails[type eq "work"].value,groups,meta' },
			{
				schemas: [USER_SCHEMA],
				id: "u-1",
				userName: "bjensen",
				emails: [
					{ type: "work", primary: true },
					{ value: "b@home.example", type: "home" },
					{ type: "work" },
				],
			},
		],
	])("%s", (_label, options, expected) => {
		expect(project(user, userResourceType, options)).toEqual(expected);
	});

	it.each([
		["emails[nope eq 1]", "invalidFilter"],
		["userName[value eq 1]", "invalidFilter"],
		['emails[type eq "work"', "invalidPath"],
		["emails[type eq work]x", "invalidPath"],
		["name.givenName[value eq 1]", "invalidPath"],
		["emails[type eq]", "invalidFilter"],
	])("rejects %s with a 400 %s, whether or not the resource has values", (attributes, scimType) => {
		for (const resource of [user, { schemas: [USER_SCHEMA], id: "u-2", userName: "x" }]) {
			const error = rejection(() => project(resource, userResourceType, { attributes }));
			expect(error).toMatchObject({ status: 400, scimType });
		}
	});

	it("is refused, like bare filter values, by the strict syntax", () => {
		expect(parseAttributeList('emails[type eq "work"]')).toEqual([
			{ attr: "emails", filter: { kind: "compare", path: { attr: "type" }, op: "eq", value: "work" } },
		]);
		expect(rejection(() => parseAttributeList('emails[type eq "work"]', strictSyntax))).toMatchObject({
			status: 400,
			scimType: "invalidPath",
		});
		expect(parseAttributeList("userName,emails.value", strictSyntax)).toEqual([
			{ attr: "userName" },
			{ attr: "emails", sub: "value" },
		]);
	});
});

describe("projectsAttribute", () => {
	const groups = { attr: "groups" };
	it.each<[ProjectionOptions, boolean]>([
		[{}, true],
		[{ attributes: "userName" }, false],
		[{ attributes: "urn:ietf:params:scim:schemas:core:2.0:User:groups" }, true],
		[{ attributes: "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:GROUPS.display" }, true],
		[{ attributes: "GROUPS" }, true],
		[{ attributes: 'groups[type eq "direct"]' }, true],
		[{ attributes: "urn:ietf:params:scim:schemas:core:2.0:User" }, false],
		[{ excludedAttributes: "groups" }, false],
		[{ excludedAttributes: "urn:ietf:params:scim:schemas:core:2.0:User:groups" }, false],
		[{ excludedAttributes: "groups.display" }, true],
		[{ excludedAttributes: 'groups[type eq "indirect"]' }, true],
	])("%j → %s, as project decides", (options, expected) => {
		expect(projectsAttribute(userResourceType, options, groups)).toBe(expected);
		expect("groups" in project(user, userResourceType, options)).toBe(expected);
	});

	it("resolves URN-qualified and differently cased paths, and knows returned: always and never", () => {
		expect(projectsAttribute(groupResourceType, { attributes: "displayName" }, { attr: "MEMBERS" })).toBe(
			false,
		);
		expect(projectsAttribute(groupResourceType, { attributes: "members.value" }, { attr: "members" })).toBe(
			true,
		);
		expect(projectsAttribute(userResourceType, { attributes: "userName" }, { attr: "id" })).toBe(true);
		expect(projectsAttribute(userResourceType, {}, { attr: "password" })).toBe(false);
		expect(projectsAttribute(userResourceType, {}, { attr: "nope" })).toBe(false);
	});
});
