import { describe, expect, it } from "vitest";
import { applyPatch, groupResourceType, type MemberOp, parsePatchRequest } from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const group = { schemas: [], id: "g-1", displayName: "Engineering", members: [{ value: "stale" }] };

function deltas(...operations: unknown[]): MemberOp[] | undefined {
	const ops = parsePatchRequest({ schemas: [PATCH_OP], Operations: operations });
	return applyPatch(group, ops, groupResourceType, { deltaAttributes: ["members"] }).deltas.members;
}

describe("member deltas", () => {
	it.each<[string, unknown[], MemberOp[]]>([
		[
			"add [{value}]",
			[{ op: "add", path: "members", value: [{ value: "a" }, { value: "b" }] }],
			[{ op: "add", ids: ["a", "b"] }],
		],
		[
			"Add with $ref null and display",
			[{ op: "Add", path: "members", value: [{ $ref: null, value: "a", display: "A" }] }],
			[{ op: "add", ids: ["a"] }],
		],
		[
			"add collapses duplicates",
			[{ op: "add", path: "members", value: [{ value: "a" }, { value: "a" }] }],
			[{ op: "add", ids: ["a"] }],
		],
		[
			"add a single object",
			[{ op: "add", path: "members", value: { value: "a" } }],
			[{ op: "add", ids: ["a"] }],
		],
		["add []", [{ op: "add", path: "members", value: [] }], []],
		[
			"remove members[value eq]",
			[{ op: "remove", path: 'members[value eq "a"]' }],
			[{ op: "remove", ids: ["a"] }],
		],
		[
			"remove members[value eq or value eq]",
			[{ op: "remove", path: 'members[value eq "a" or value eq "b"]' }],
			[{ op: "remove", ids: ["a", "b"] }],
		],
		[
			"Remove with value list",
			[{ op: "Remove", path: "members", value: [{ value: "a" }, { value: "b" }] }],
			[{ op: "remove", ids: ["a", "b"] }],
		],
		["Remove without value", [{ op: "Remove", path: "members" }], [{ op: "removeAll" }]],
		[
			"replace members",
			[{ op: "replace", path: "members", value: [{ value: "a" }] }],
			[{ op: "replace", ids: ["a"] }],
		],
		["replace members []", [{ op: "replace", path: "members", value: [] }], [{ op: "replace", ids: [] }]],
		["path-less add", [{ op: "add", value: { members: [{ value: "a" }] } }], [{ op: "add", ids: ["a"] }]],
		[
			"path-less replace, member name in any case",
			[{ op: "replace", value: { Members: [{ value: "a" }] } }],
			[{ op: "replace", ids: ["a"] }],
		],
		[
			"Members path in any case",
			[{ op: "ADD", path: "MEMBERS", value: [{ VALUE: "a" }] }],
			[{ op: "add", ids: ["a"] }],
		],
		[
			"mixed removes and adds, in order",
			[
				{ op: "remove", path: 'members[value eq "a"]' },
				{ op: "add", path: "members", value: [{ value: "b" }, { value: "c" }] },
				{ op: "remove", path: "members", value: [{ value: "c" }] },
			],
			[
				{ op: "remove", ids: ["a"] },
				{ op: "add", ids: ["b", "c"] },
				{ op: "remove", ids: ["c"] },
			],
		],
	])("%s", (_name, operations, expected) => {
		expect(deltas(...operations)).toEqual(expected);
	});

	it("never reads or rewrites the stored members", () => {
		const ops = parsePatchRequest({
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "members", value: [] }],
		});
		const { resource } = applyPatch(group, ops, groupResourceType, { deltaAttributes: ["members"] });
		expect(resource.members).toEqual([{ value: "stale" }]);
	});

	it.each([
		['members[display eq "A"]', "invalidFilter"],
		['members[value co "a"]', "invalidFilter"],
		['members[value eq "a" and type eq "User"]', "invalidFilter"],
	])("rejects remove %s with 400 %s", (path, scimType) => {
		expect(() => deltas({ op: "remove", path })).toThrow(expect.objectContaining({ status: 400, scimType }));
	});

	it("rejects a member without a value", () => {
		expect(() => deltas({ op: "add", path: "members", value: [{ display: "x" }] })).toThrow(
			expect.objectContaining({ status: 400, scimType: "invalidValue" }),
		);
	});

	it("applies members like any attribute when it is not a delta attribute", () => {
		const ops = parsePatchRequest({
			schemas: [PATCH_OP],
			Operations: [{ op: "add", path: "members", value: [{ value: "a" }] }],
		});
		const { resource, deltas: none } = applyPatch(group, ops, groupResourceType);
		expect(resource.members).toEqual([{ value: "stale" }, { value: "a" }]);
		expect(none).toEqual({});
	});
});
