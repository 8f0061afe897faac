import { describe, expect, it } from "vitest";
import { parsePatchPath, parsePatchRequest } from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("parsePatchPath", () => {
	it.each([
		["active", { attribute: { attr: "active" } }],
		["name.givenName", { attribute: { attr: "name", sub: "givenName" } }],
		[`${ENTERPRISE}:department`, { attribute: { uri: ENTERPRISE, attr: "department" } }],
		[`${ENTERPRISE}:manager.value`, { attribute: { uri: ENTERPRISE, attr: "manager", sub: "value" } }],
		[
			'emails[type eq "work"]',
			{
				attribute: { attr: "emails" },
				filter: { kind: "compare", path: { attr: "type" }, op: "eq", value: "work" },
			},
		],
		[
			'emails[type eq "work"].value',
			{
				attribute: { attr: "emails", sub: "value" },
				filter: { kind: "compare", path: { attr: "type" }, op: "eq", value: "work" },
			},
		],
		[
			'members[value eq "a]b"]',
			{
				attribute: { attr: "members" },
				filter: { kind: "compare", path: { attr: "value" }, op: "eq", value: "a]b" },
			},
		],
	])("parses %s", (text, expected) => {
		expect(parsePatchPath(text)).toEqual(expected);
	});

	it.each([
		["", "invalidPath"],
		["name.givenName.x", "invalidPath"],
		["9lives", "invalidPath"],
		['emails[type eq "work"', "invalidPath"],
		['emails[type eq "work"]value', "invalidPath"],
		['emails[type eq "work"].value.x', "invalidPath"],
		['name.givenName[type eq "x"]', "invalidPath"],
		["emails[type eq]", "invalidFilter"],
	])("rejects %j with 400 %s", (text, scimType) => {
		expect(() => parsePatchPath(text)).toThrow(expect.objectContaining({ status: 400, scimType }));
	});
});

describe("parsePatchRequest", () => {
	it("lower-cases op names and keeps values as sent", () => {
		const ops = parsePatchRequest({
			schemas: [PATCH_OP],
			Operations: [
				{ op: "Add", path: "nickName", value: "Babs" },
				{ op: "REPLACE", value: { active: "False" } },
				{ op: "Remove", path: "title" },
			],
		});
		expect(ops).toEqual([
			{ op: "add", path: { attribute: { attr: "nickName" } }, value: "Babs" },
			{ op: "replace", value: { active: "False" } },
			{ op: "remove", path: { attribute: { attr: "title" } } },
		]);
	});

	it("accepts an empty Operations list as a no-op and member names in any case", () => {
		expect(parsePatchRequest({ schemas: [PATCH_OP], Operations: [] })).toEqual([]);
		expect(
			parsePatchRequest({ Schemas: [PATCH_OP.toUpperCase()], operations: [{ OP: "add", Value: { a: 1 } }] }),
		).toEqual([{ op: "add", value: { a: 1 } }]);
	});

	it.each<[string, unknown, string]>([
		["a non-object body", [], "invalidSyntax"],
		["a missing PatchOp schema", { schemas: ["urn:x"], Operations: [] }, "invalidSyntax"],
		["missing Operations", { schemas: [PATCH_OP] }, "invalidSyntax"],
		["Operations not a list", { schemas: [PATCH_OP], Operations: {} }, "invalidSyntax"],
		["an unknown op", { schemas: [PATCH_OP], Operations: [{ op: "move", path: "a" }] }, "invalidSyntax"],
		["an operation that is not an object", { schemas: [PATCH_OP], Operations: ["add"] }, "invalidSyntax"],
		[
			"a path that is not a string",
			{ schemas: [PATCH_OP], Operations: [{ op: "add", path: 3, value: 1 }] },
			"invalidPath",
		],
		["remove without a path", { schemas: [PATCH_OP], Operations: [{ op: "remove" }] }, "noTarget"],
		[
			"add without a value",
			{ schemas: [PATCH_OP], Operations: [{ op: "add", path: "title" }] },
			"invalidValue",
		],
		[
			"path-less replace with a scalar",
			{ schemas: [PATCH_OP], Operations: [{ op: "replace", value: "x" }] },
			"invalidValue",
		],
		[
			"a NUL character in a value",
			{ schemas: [PATCH_OP], Operations: [{ op: "add", path: "title", value: "a\u0000" }] },
			"invalidValue",
		],
	])("rejects %s with 400 %s", (_name, body, scimType) => {
		expect(() => parsePatchRequest(body)).toThrow(expect.objectContaining({ status: 400, scimType }));
	});
});
