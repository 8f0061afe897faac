import { describe, expect, it } from "vitest";
import { detectQuirks } from "../src/quirks.ts";

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function patch(...operations: unknown[]) {
	return { schemas: [PATCH], Operations: operations };
}

describe("detectQuirks", () => {
	it.each([
		["an RFC-shaped PATCH", patch({ op: "replace", path: "displayName", value: "A" }), []],
		[
			"Entra's capitalised op",
			patch({ op: "Replace", path: "displayName", value: "A" }),
			["patch-op-not-lowercase"],
		],
		[
			"Entra's string boolean on a path",
			patch({ op: "Replace", path: "active", value: "False" }),
			["patch-op-not-lowercase", "string-boolean"],
		],
		[
			"a string boolean without a path",
			patch({ op: "replace", value: { active: "true" } }),
			["string-boolean"],
		],
		["a real boolean", patch({ op: "replace", value: { active: false } }), []],
		[
			"Entra's members removal with a value list",
			patch({ op: "Remove", path: "members", value: [{ value: "1" }] }),
			["members-remove-value-list", "patch-op-not-lowercase"],
		],
		["members removal by filter", patch({ op: "remove", path: 'members[value eq "1"]' }), []],
		[
			"the manager as a bare string on its URN path",
			patch({ op: "add", path: `${ENTERPRISE}:manager`, value: "42" }),
			["complex-as-string"],
		],
		[
			"the manager as an object",
			patch({ op: "add", path: `${ENTERPRISE}:manager`, value: { value: "42" } }),
			[],
		],
		[
			"dotted keys without a path",
			patch({ op: "replace", value: { "name.givenName": "A" } }),
			["patch-pathless-dotted-keys"],
		],
		[
			"URN-qualified keys without a path",
			patch({ op: "replace", value: { [`${ENTERPRISE}:department`]: "X" } }),
			[],
		],
		[
			"Okta's group rename with its own id",
			patch({ op: "replace", value: { id: "g1", displayName: "B" } }),
			["patch-pathless-id"],
		],
		["an empty Operations list", patch(), ["patch-empty-operations"]],
	])("%s", (_name, body, expected) => {
		expect(detectQuirks(body)).toEqual(expected);
	});

	it("reads resource bodies: Okta role strings, Entra app roles as JSON in a string, string primaries", () => {
		expect(detectQuirks({ schemas: [USER], userName: "a", roles: ["admin"] })).toEqual(["complex-as-string"]);
		expect(
			detectQuirks({ schemas: [USER], userName: "a", roles: [{ value: '{"id":"1","value":"Admin"}' }] }),
		).toEqual(["role-json-in-string"]);
		expect(detectQuirks({ schemas: [USER], emails: [{ value: "a@x", primary: "True" }] })).toEqual([
			"string-boolean",
		]);
		expect(
			detectQuirks({ schemas: [USER], userName: "a", active: true, emails: [{ value: "a@x" }] }),
		).toEqual([]);
	});

	it("never throws and finds nothing in shapes it does not know", () => {
		for (const body of [null, "x", 1, [], { Operations: "x" }, { Operations: [1, null] }]) {
			expect(detectQuirks(body)).toEqual([]);
		}
	});
});
