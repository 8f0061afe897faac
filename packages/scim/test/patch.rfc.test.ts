import { describe, expect, it } from "vitest";
import {
	applyPatch,
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
	groupResourceType,
	type JsonObject,
	parsePatchRequest,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const bjensen: JsonObject = {
	schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
	id: "2819c223-7f76-453a-919d-413861904646",
	userName: "bjensen@example.com",
	name: { familyName: "Jensen", givenName: "Barbara" },
	emails: [
		{ value: "bjensen@example.com", type: "work", primary: true },
		{ value: "babs@jensen.org", type: "home" },
	],
	addresses: [
		{ type: "work", streetAddress: "100 Universal City Plaza", locality: "Hollywood", primary: true },
	],
	x509Certificates: [{ value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw" }],
	meta: { resourceType: "User", created: "2010-01-23T04:56:22Z" },
	[ENTERPRISE_USER_SCHEMA]: {
		department: "Tour Operations",
		manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" },
	},
};

function patch(operations: unknown[], resource: JsonObject = bjensen) {
	return applyPatch(
		resource,
		parsePatchRequest({ schemas: [PATCH_OP], Operations: operations }),
		userResourceType,
	);
}

function rejects(operations: unknown[], scimType: string, resource: JsonObject = bjensen) {
	expect(() => patch(operations, resource)).toThrow(expect.objectContaining({ status: 400, scimType }));
}

describe("RFC 7644 §3.5.2.1 add", () => {
	it("merges a path-less value, appending emails and setting nickName in canonical spelling", () => {
		const { resource } = patch([
			{
				op: "add",
				value: {
					emails: [{ value: "babs@jensen.org", type: "home" }, { value: "b@x.org" }],
					nickname: "Babs",
				},
			},
		]);
		expect(resource.nickName).toBe("Babs");
		expect(resource.nickname).toBeUndefined();
		expect(resource.emails).toEqual([...(bjensen.emails as unknown[]), { value: "b@x.org" }]);
	});

	it("acts as replace on a single-valued attribute and merges a complex one", () => {
		const { resource } = patch([
			{ op: "add", path: "userName", value: "babs@example.com" },
			{ op: "add", path: "name", value: { middleName: "Jane" } },
		]);
		expect(resource.userName).toBe("babs@example.com");
		expect(resource.name).toEqual({ familyName: "Jensen", givenName: "Barbara", middleName: "Jane" });
	});

	it("clears primary on the other elements when the new one is primary", () => {
		const { resource } = patch([
			{ op: "add", path: "emails", value: [{ value: "new@example.com", primary: "True" }] },
		]);
		expect(resource.emails).toEqual([
			{ value: "bjensen@example.com", type: "work", primary: false },
			{ value: "babs@jensen.org", type: "home" },
			{ value: "new@example.com", primary: true },
		]);
	});

	it("adds a value to an attribute of an extension object sent whole", () => {
		const { resource } = patch([
			{ op: "add", value: { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "701984" } } },
		]);
		expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({
			department: "Tour Operations",
			manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" },
			employeeNumber: "701984",
		});
	});
});

describe("RFC 7644 §3.5.2.2 remove", () => {
	it("removes elements matching a complex filter", () => {
		const { resource } = patch([{ op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' }]);
		expect(resource.emails).toEqual([{ value: "babs@jensen.org", type: "home" }]);
	});

	it("removes a multi-valued attribute once its last element goes", () => {
		const { resource } = patch([
			{ op: "remove", path: 'x509Certificates[value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"]' },
		]);
		expect(resource).not.toHaveProperty("x509Certificates");
	});

	it("removes a single attribute, a sub-attribute, listed elements and a whole extension", () => {
		const { resource } = patch([
			{ op: "remove", path: "name.givenName" },
			{ op: "remove", path: "emails", value: [{ value: "BABS@jensen.org" }] },
			{ op: "remove", path: "addresses" },
			{ op: "remove", path: ENTERPRISE_USER_SCHEMA },
		]);
		expect(resource.name).toEqual({ familyName: "Jensen" });
		expect(resource.emails).toEqual([{ value: "bjensen@example.com", type: "work", primary: true }]);
		expect(resource).not.toHaveProperty("addresses");
		expect(resource).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
		expect(resource.schemas).toEqual([USER_SCHEMA]);
	});

	it("ignores a filter that matches nothing", () => {
		expect(patch([{ op: "remove", path: 'emails[type eq "other"]' }]).resource).toEqual(bjensen);
	});
});

describe("RFC 7644 §3.5.2.3 replace", () => {
	it("replaces the elements a filter selects, keeping unspecified sub-attributes", () => {
		const { resource } = patch([
			{
				op: "replace",
				path: 'addresses[type eq "work"]',
				value: { streetAddress: "911 Universal City Plaza" },
			},
		]);
		expect(resource.addresses).toEqual([
			{ type: "work", streetAddress: "911 Universal City Plaza", locality: "Hollywood", primary: true },
		]);
	});

	it("replaces one sub-attribute of the selected element", () => {
		const { resource } = patch([
			{ op: "replace", path: 'addresses[type eq "work"].streetAddress', value: "1010 Broadway Ave" },
		]);
		expect((resource.addresses as JsonObject[])[0]?.streetAddress).toBe("1010 Broadway Ave");
	});

	it("sets the full set of a multi-valued attribute", () => {
		const { resource } = patch([
			{ op: "replace", path: "emails", value: [{ value: "only@example.com", type: "work" }] },
		]);
		expect(resource.emails).toEqual([{ value: "only@example.com", type: "work" }]);
	});

	it("treats a filtered replace with no match as add of the element the filter names", () => {
		const { resource } = patch([
			{
				op: "replace",
				path: 'phoneNumbers[type eq "mobile" and primary eq "True"].value',
				value: "555-0100",
			},
		]);
		expect(resource.phoneNumbers).toEqual([{ type: "mobile", primary: true, value: "555-0100" }]);
	});

	it("clears an attribute replaced with null", () => {
		expect(patch([{ op: "replace", path: "nickName", value: null }]).resource).not.toHaveProperty("nickName");
		expect(patch([{ op: "replace", path: "name", value: null }]).resource).not.toHaveProperty("name");
	});
});

describe("names, types and mutability", () => {
	it("matches attribute names case-insensitively and writes the schema's spelling", () => {
		const { resource } = patch([
			{ op: "replace", path: "NAME.FamilyName", value: "Jensen-Smith" },
			{ op: "replace", path: 'EMAILS[TYPE eq "WORK"].VALUE', value: "BJ@example.com" },
			{
				op: "replace",
				value: {
					DisplayName: "Babs",
					"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Department": "Ops",
				},
			},
		]);
		expect(resource.name).toEqual({ familyName: "Jensen-Smith", givenName: "Barbara" });
		expect((resource.emails as JsonObject[])[0]).toEqual({
			value: "BJ@example.com",
			type: "work",
			primary: true,
		});
		expect(resource.displayName).toBe("Babs");
		expect((resource[ENTERPRISE_USER_SCHEMA] as JsonObject).department).toBe("Ops");
	});

	it("replaces a stored key spelled in another case instead of adding a second one", () => {
		const { resource } = patch([{ op: "replace", path: "title", value: "Boss" }], {
			...bjensen,
			TITLE: "Tour Guide",
		});
		expect(resource.title).toBe("Boss");
		expect(resource).not.toHaveProperty("TITLE");
	});

	it("ignores unknown attributes, sub-attributes and extensions", () => {
		const { resource } = patch([
			{ op: "add", path: "favouriteColour", value: "blue" },
			{ op: "add", path: "name.nickname", value: "B" },
			{ op: "add", path: "urn:example:custom:2.0:User:badge", value: "1" },
			{ op: "add", value: { shoeSize: 42, "urn:example:custom:2.0:User": { badge: "1" } } },
			{ op: "remove", path: "favouriteColour" },
		]);
		expect(resource).toEqual(bjensen);
	});

	it("never stores a password but reports that one was sent", () => {
		const result = patch([{ op: "replace", value: { password: "t1meMa$heen" } }]);
		expect(result.resource).toEqual(bjensen);
		expect(result.passwordSupplied).toBe(true);
		expect(patch([{ op: "replace", path: "title", value: "x" }]).passwordSupplied).toBe(false);
	});

	it.each<[string, unknown[]]>([
		["path id", [{ op: "replace", path: "id", value: "x" }]],
		["path meta.created", [{ op: "replace", path: "meta.created", value: "2020-01-01T00:00:00Z" }]],
		["path groups", [{ op: "add", path: "groups", value: [{ value: "g" }] }]],
		["path-less meta", [{ op: "replace", value: { meta: { resourceType: "User" } } }]],
		["path-less another id", [{ op: "replace", value: { id: "other" } }]],
		["remove id", [{ op: "remove", path: "id" }]],
	])("rejects readOnly %s with 400 mutability", (_name, operations) => {
		rejects(operations, "mutability");
	});

	it("rejects changing an immutable attribute already set", () => {
		const group = { schemas: [GROUP_SCHEMA], id: "g", displayName: "G", members: [{ value: "a" }] };
		const ops = parsePatchRequest({
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: 'members[value eq "a"].value', value: "b" }],
		});
		expect(() => applyPatch(group, ops, groupResourceType)).toThrow(
			expect.objectContaining({ status: 400, scimType: "mutability" }),
		);
	});

	it.each<[string, unknown[]]>([
		["a number for a string", [{ op: "replace", path: "userName", value: 5 }]],
		["a word for a boolean", [{ op: "replace", path: "active", value: "yes" }]],
		["a string for a multi-valued complex attribute", [{ op: "replace", value: { emails: "x" } }]],
		["an object for a sub-attribute", [{ op: "replace", path: "name.givenName", value: { a: 1 } }]],
		["a number for a filtered element", [{ op: "add", path: 'emails[type eq "work"]', value: 5 }]],
		["removing the required userName", [{ op: "remove", path: "userName" }]],
	])("rejects %s with 400 invalidValue", (_name, operations) => {
		rejects(operations, "invalidValue");
	});

	it("rejects a value filter on a simple attribute with 400 invalidPath", () => {
		rejects([{ op: "replace", path: 'userName[value eq "x"]', value: "y" }], "invalidPath");
	});
});

describe("atomicity", () => {
	it("throws on a bad third operation and leaves the input untouched", () => {
		const input = structuredClone(bjensen);
		expect(() =>
			patch(
				[
					{ op: "replace", path: "userName", value: "changed" },
					{ op: "remove", path: "emails" },
					{ op: "replace", path: "id", value: "hijack" },
				],
				input,
			),
		).toThrow(expect.objectContaining({ scimType: "mutability" }));
		expect(input).toEqual(bjensen);
	});

	it("returns a new object even when nothing changes", () => {
		const { resource } = patch([]);
		expect(resource).toEqual(bjensen);
		expect(resource).not.toBe(bjensen);
	});
});
