import { describe, expect, it } from "vitest";
import { ScimError } from "../src/errors.ts";
import {
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
	groupResourceType,
	parseAttrPath,
	resolveAttribute,
	schemaDefs,
	splitAttributeList,
	USER_SCHEMA,
	userResourceType,
} from "../src/schemas/index.ts";
import type { AttributeDef, SchemaDef } from "../src/schemas/types.ts";

function schema(id: string): SchemaDef {
	const found = schemaDefs.find((candidate) => candidate.id === id);
	if (!found) throw new Error(`missing schema ${id}`);
	return found;
}

function attribute(attributes: AttributeDef[] | undefined, name: string): AttributeDef {
	const found = attributes?.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`missing attribute ${name}`);
	return found;
}

describe("schema definitions", () => {
	const user = schema(USER_SCHEMA).attributes;

	it("publishes User, EnterpriseUser and Group for /Schemas", () => {
		expect(schemaDefs.map((def) => def.id)).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
	});

	it("lists every RFC 7643 core User attribute", () => {
		expect(user.map((def) => def.name)).toEqual([
			"userName",
			"name",
			"displayName",
			"nickName",
			"profileUrl",
			"title",
			"userType",
			"preferredLanguage",
			"locale",
			"timezone",
			"active",
			"password",
			"emails",
			"phoneNumbers",
			"ims",
			"photos",
			"addresses",
			"groups",
			"entitlements",
			"roles",
			"x509Certificates",
		]);
	});

	it("marks userName required, server-unique and case-insensitive", () => {
		expect(attribute(user, "userName")).toMatchObject({
			required: true,
			uniqueness: "server",
			caseExact: false,
		});
	});

	it("never returns the password and only lets it be written", () => {
		expect(attribute(user, "password")).toMatchObject({ mutability: "writeOnly", returned: "never" });
	});

	it("gives multi-valued attributes value/display/type/primary and addresses their parts", () => {
		for (const name of [
			"emails",
			"phoneNumbers",
			"ims",
			"photos",
			"entitlements",
			"roles",
			"x509Certificates",
		]) {
			const def = attribute(user, name);
			expect(def.multiValued).toBe(true);
			expect(def.subAttributes?.map((sub) => sub.name)).toEqual(["value", "display", "type", "primary"]);
		}
		expect(attribute(user, "addresses").subAttributes?.map((sub) => sub.name)).toEqual([
			"formatted",
			"streetAddress",
			"locality",
			"region",
			"postalCode",
			"country",
			"type",
			"primary",
		]);
		expect(attribute(user, "groups").mutability).toBe("readOnly");
		expect(attribute(user, "active").type).toBe("boolean");
	});

	it("defines the enterprise manager as a complex value/$ref/displayName", () => {
		const manager = attribute(schema(ENTERPRISE_USER_SCHEMA).attributes, "manager");
		expect(manager.subAttributes?.map((sub) => sub.name)).toEqual(["value", "$ref", "displayName"]);
	});

	it("defines Group displayName as required and members with value/$ref/display/type", () => {
		const group = schema(GROUP_SCHEMA).attributes;
		expect(attribute(group, "displayName").required).toBe(true);
		expect(attribute(group, "members").subAttributes?.map((sub) => sub.name)).toEqual([
			"value",
			"$ref",
			"display",
			"type",
		]);
	});

	it("declares the enterprise extension as optional on Users and none on Groups", () => {
		expect(userResourceType.schemaExtensions).toEqual([{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
		expect(groupResourceType.schemaExtensions).toEqual([]);
	});
});

describe("resolveAttribute", () => {
	it.each([
		[{ attr: "USERNAME" }, USER_SCHEMA, { attr: "userName" }],
		[{ attr: "name", sub: "FAMILYNAME" }, USER_SCHEMA, { attr: "name", sub: "familyName" }],
		[{ attr: "emails", sub: "Value" }, USER_SCHEMA, { attr: "emails", sub: "value" }],
		[{ attr: "id" }, USER_SCHEMA, { attr: "id" }],
		[{ attr: "externalid" }, USER_SCHEMA, { attr: "externalId" }],
		[{ attr: "meta", sub: "lastmodified" }, USER_SCHEMA, { attr: "meta", sub: "lastModified" }],
		[{ attr: "department" }, ENTERPRISE_USER_SCHEMA, { uri: ENTERPRISE_USER_SCHEMA, attr: "department" }],
		[
			{ uri: ENTERPRISE_USER_SCHEMA.toUpperCase(), attr: "manager", sub: "value" },
			ENTERPRISE_USER_SCHEMA,
			{ uri: ENTERPRISE_USER_SCHEMA, attr: "manager", sub: "value" },
		],
		[{ uri: USER_SCHEMA, attr: "userName" }, USER_SCHEMA, { attr: "userName" }],
		[{ uri: USER_SCHEMA.toLowerCase(), attr: "id" }, USER_SCHEMA, { attr: "id" }],
	])("resolves %j on User", (path, owner, canonical) => {
		const resolved = resolveAttribute(userResourceType, path);
		expect(resolved?.schema).toBe(owner);
		expect(resolved?.canonical).toEqual(canonical);
	});

	it("returns the definitions of the attribute and sub-attribute", () => {
		const resolved = resolveAttribute(userResourceType, { attr: "emails", sub: "primary" });
		expect(resolved?.attribute.multiValued).toBe(true);
		expect(resolved?.subAttribute?.type).toBe("boolean");
		expect(resolveAttribute(userResourceType, { attr: "id" })?.attribute.caseExact).toBe(true);
	});

	it.each([
		{ attr: "nope" },
		{ attr: "userName", sub: "x" },
		{ attr: "name", sub: "nope" },
		{ uri: ENTERPRISE_USER_SCHEMA, attr: "userName" },
		{ uri: USER_SCHEMA, attr: "department" },
		{ uri: "urn:example:other", attr: "userName" },
	])("does not resolve %j on User", (path) => {
		expect(resolveAttribute(userResourceType, path)).toBeUndefined();
	});

	it("resolves Group attributes and not User ones on Groups", () => {
		expect(resolveAttribute(groupResourceType, { attr: "members", sub: "VALUE" })?.canonical).toEqual({
			attr: "members",
			sub: "value",
		});
		expect(resolveAttribute(groupResourceType, { attr: "displayname" })?.schema).toBe(GROUP_SCHEMA);
		expect(resolveAttribute(groupResourceType, { attr: "userName" })).toBeUndefined();
		expect(resolveAttribute(groupResourceType, { attr: "department" })).toBeUndefined();
	});
});

describe("parseAttrPath", () => {
	it.each([
		["userName", { attr: "userName" }],
		[" name.givenName ", { attr: "name", sub: "givenName" }],
		["emails.value", { attr: "emails", sub: "value" }],
		["members.$ref", { attr: "members", sub: "$ref" }],
		[
			`${ENTERPRISE_USER_SCHEMA}:manager.value`,
			{ uri: ENTERPRISE_USER_SCHEMA, attr: "manager", sub: "value" },
		],
		[`${ENTERPRISE_USER_SCHEMA}:department`, { uri: ENTERPRISE_USER_SCHEMA, attr: "department" }],
	])("parses %s", (text, expected) => {
		expect(parseAttrPath(text)).toEqual(expected);
	});

	it.each(["", "a.b.c", "1abc", "urn:", "name.", 'emails[type eq "work"]', "a b"])("rejects %j", (text) => {
		expect(() => parseAttrPath(text)).toThrow(ScimError);
		try {
			parseAttrPath(text);
		} catch (error) {
			expect((error as ScimError).status).toBe(400);
			expect((error as ScimError).scimType).toBe("invalidPath");
		}
	});

	it("splits attributes= lists and skips empty entries, never inside a value filter", () => {
		expect(splitAttributeList('userName, name.givenName,,emails[value co ","  or type eq "]"],x')).toEqual([
			"userName",
			"name.givenName",
			'emails[value co ","  or type eq "]"]',
			"x",
		]);
	});
});
