import { describe, expect, it } from "vitest";
import {
	applyPatch,
	GROUP_SCHEMA,
	groupResourceType,
	type JsonObject,
	parsePatchRequest,
	ScimError,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const GROUP_ID = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b";

const oktaUser: JsonObject = {
	schemas: [USER_SCHEMA],
	id: "23a35c27-23d3-4c03-b4c5-6443c09e7173",
	userName: "test.user@okta.local",
	name: { givenName: "Test", familyName: "User" },
	emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
	active: true,
};

const oktaGroup: JsonObject = { schemas: [GROUP_SCHEMA], id: GROUP_ID, displayName: "Test SCIMv2" };

function patchGroup(body: unknown) {
	return applyPatch(oktaGroup, parsePatchRequest(body), groupResourceType, { deltaAttributes: ["members"] });
}

describe("Okta OIN", () => {
	it.each([false, true])("sets active to %s with a path-less replace", (active) => {
		const { resource } = applyPatch(
			oktaUser,
			parsePatchRequest({ schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active } }] }),
			userResourceType,
		);
		expect(resource).toEqual({ ...oktaUser, active });
	});

	it("renames a group with a path-less replace carrying the group's own id (checklist #4)", () => {
		const { resource, deltas } = patchGroup({
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", value: { id: GROUP_ID, displayName: "Renamed" } }],
		});
		expect(resource).toEqual({ schemas: [GROUP_SCHEMA], id: GROUP_ID, displayName: "Renamed" });
		expect(deltas.members).toEqual([]);
	});

	it("rejects a rename carrying another group's id with 400 mutability", () => {
		const attempt = () =>
			patchGroup({
				schemas: [PATCH_OP],
				Operations: [{ op: "replace", value: { id: "other", displayName: "X" } }],
			});
		expect(attempt).toThrow(ScimError);
		expect(attempt).toThrow(expect.objectContaining({ status: 400, scimType: "mutability" }));
	});

	it("extracts one PATCH that removes by filter and adds with display, in order", () => {
		const { deltas } = patchGroup({
			schemas: [PATCH_OP],
			Operations: [
				{ op: "remove", path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
				{
					op: "add",
					path: "members",
					value: [{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local" }],
				},
			],
		});
		expect(deltas.members).toEqual([
			{ op: "remove", ids: ["89bb1940-b905-4575-9e7f-6f887cfb368e"] },
			{ op: "add", ids: ["23a35c27-23d3-4c03-b4c5-6443c09e7173"] },
		]);
	});

	it("extracts Push Now as replace members with the full set", () => {
		const { deltas, resource } = patchGroup({
			schemas: [PATCH_OP],
			Operations: [
				{
					op: "replace",
					path: "members",
					value: [
						{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local" },
						{ value: "89bb1940-b905-4575-9e7f-6f887cfb368e", display: "test.user@okta.local" },
					],
				},
			],
		});
		expect(deltas.members).toEqual([
			{
				op: "replace",
				ids: ["23a35c27-23d3-4c03-b4c5-6443c09e7173", "89bb1940-b905-4575-9e7f-6f887cfb368e"],
			},
		]);
		expect(resource).toEqual(oktaGroup);
	});
});
