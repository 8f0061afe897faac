import { describe, expect, it } from "vitest";
import {
	applyPatch,
	ENTERPRISE_USER_SCHEMA,
	groupResourceType,
	type JsonObject,
	parsePatchRequest,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const entraUser: JsonObject = {
	schemas: [USER_SCHEMA],
	id: "u-1",
	externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
	userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
	active: true,
	emails: [{ primary: true, type: "work", value: "Test_User_11bb11bb@testuser.com" }],
	name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
};

function patchUser(body: unknown, user: JsonObject = entraUser) {
	return applyPatch(user, parsePatchRequest(body), userResourceType).resource;
}

function patchGroup(
	body: unknown,
	group: JsonObject = { schemas: [], id: "g-1", displayName: "displayName" },
) {
	return applyPatch(group, parsePatchRequest(body), groupResourceType, { deltaAttributes: ["members"] });
}

describe("Entra ID without aadOptscim062020", () => {
	it("applies the documented profile update, one Replace per attribute", () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [
				{ op: "Replace", path: "displayName", value: "Pvlo" },
				{ op: "Replace", path: 'emails[type eq "work"].value', value: "TestBcwqnm@test.microsoft.com" },
				{ op: "Replace", path: "name.givenName", value: "Gtfd" },
				{ op: "Replace", path: "name.familyName", value: "Pkqf" },
				{ op: "Replace", path: "externalId", value: "Eqpj" },
				{
					op: "Replace",
					path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
					value: "Eqpj",
				},
			],
		});
		expect(result).toEqual({
			schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
			id: "u-1",
			externalId: "Eqpj",
			userName: entraUser.userName,
			active: true,
			displayName: "Pvlo",
			emails: [{ primary: true, type: "work", value: "TestBcwqnm@test.microsoft.com" }],
			name: { formatted: "givenName familyName", familyName: "Pkqf", givenName: "Gtfd" },
			[ENTERPRISE_USER_SCHEMA]: { employeeNumber: "Eqpj" },
		});
	});

	it.each([
		["False", false],
		["True", true],
		["false", false],
		["TRUE", true],
	])('deactivates and reactivates with Replace active "%s"', (sent, stored) => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [{ op: "Replace", path: "active", value: sent }],
		});
		expect(result.active).toBe(stored);
	});

	it("adds a newly set single value with Add", () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [{ op: "Add", path: "nickName", value: "Babs" }],
		});
		expect(result.nickName).toBe("Babs");
	});

	it("creates the work email a Replace names when the user has none (checklist #5)", () => {
		const user = { ...entraUser, emails: [{ type: "home", value: "h@example.com" }] };
		const result = patchUser(
			{
				schemas: [PATCH_OP],
				Operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: "w@example.com" }],
			},
			user,
		);
		expect(result.emails).toEqual([
			{ type: "home", value: "h@example.com" },
			{ type: "work", value: "w@example.com" },
		]);
	});

	it('creates addresses[type eq "work"].postalCode and updates the other-type forms with capital sub-names', () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [
				{ op: "Add", path: 'addresses[type eq "work"].postalCode', value: "98052" },
				{ op: "Add", path: 'emails[type eq "other"].Value', value: "proxy@example.com" },
				{ op: "Add", path: 'addresses[type eq "other"].Formatted', value: "Building 4" },
			],
		});
		expect(result.addresses).toEqual([
			{ type: "work", postalCode: "98052" },
			{ type: "other", formatted: "Building 4" },
		]);
		expect(result.emails).toContainEqual({ type: "other", value: "proxy@example.com" });
	});

	it("stores the manager sent as a bare string under the URN path as an object", () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [
				{
					op: "add",
					path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
					value: "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2",
				},
			],
		});
		expect(result[ENTERPRISE_USER_SCHEMA]).toEqual({
			manager: { value: "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2" },
		});
		expect(result.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
	});

	it("stores the manager sent as path manager with [{$ref, value}]", () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [{ op: "Replace", path: "manager", value: [{ $ref: "../Users/m-1", value: "m-1" }] }],
		});
		expect(result[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { $ref: "../Users/m-1", value: "m-1" } });
	});

	it("sets manager.value and removes manager[value eq …] only when it matches", () => {
		const withManager = patchUser({
			schemas: [PATCH_OP],
			Operations: [
				{
					op: "add",
					path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
					value: "m-2",
				},
			],
		});
		expect(withManager[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: "m-2" } });
		const otherRemoved = patchUser(
			{ schemas: [PATCH_OP], Operations: [{ op: "remove", path: 'manager[value eq "m-9"]' }] },
			withManager,
		);
		expect(otherRemoved[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: "m-2" } });
		const removed = patchUser(
			{ schemas: [PATCH_OP], Operations: [{ op: "remove", path: 'manager[value eq "m-2"]' }] },
			withManager,
		);
		expect(removed[ENTERPRISE_USER_SCHEMA]).toBeUndefined();
		expect(removed.schemas).toEqual([USER_SCHEMA]);
	});

	it("adds roles in the JSON-in-string form as sent", () => {
		const role = '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}';
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [{ op: "Add", path: "roles", value: [{ value: role }] }],
		});
		expect(result.roles).toEqual([{ value: role }]);
	});

	it('sets roles[primary eq "True"].value from SingleAppRoleAssignment, creating the primary role', () => {
		const body = {
			schemas: [PATCH_OP],
			Operations: [{ op: "Replace", path: 'roles[primary eq "True"].value', value: "Admin" }],
		};
		const created = patchUser(body);
		expect(created.roles).toEqual([{ primary: true, value: "Admin" }]);
		const updated = patchUser({ ...body, Operations: [{ ...body.Operations[0], value: "Reader" }] }, created);
		expect(updated.roles).toEqual([{ primary: true, value: "Reader" }]);
	});

	it("replaces the full role set with AssertiveAppRoleAssignmentsComplex", () => {
		const user = { ...entraUser, roles: [{ value: "Admin" }] };
		const result = patchUser(
			{
				schemas: [PATCH_OP],
				Operations: [
					{
						op: "replace",
						path: "roles",
						value: [
							{ primary: false, type: "WindowsAzureActiveDirectoryRole", display: "User", value: "User" },
						],
					},
				],
			},
			user,
		);
		expect(result.roles).toEqual([
			{ primary: false, type: "WindowsAzureActiveDirectoryRole", display: "User", value: "User" },
		]);
	});

	it("extracts Add members, Remove members with value, and renames", () => {
		const add = patchGroup({
			schemas: [PATCH_OP],
			Operations: [{ op: "Add", path: "members", value: [{ $ref: null, value: "f648f8d5ea4e4cd38e9c" }] }],
		});
		expect(add.deltas.members).toEqual([{ op: "add", ids: ["f648f8d5ea4e4cd38e9c"] }]);
		const remove = patchGroup({
			schemas: [PATCH_OP],
			Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: "f648f8d5ea4e4cd38e9c" }] }],
		});
		expect(remove.deltas.members).toEqual([{ op: "remove", ids: ["f648f8d5ea4e4cd38e9c"] }]);
		const rename = patchGroup({
			schemas: [PATCH_OP],
			Operations: [
				{
					op: "Replace",
					path: "displayName",
					value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
				},
			],
		});
		expect(rename.resource.displayName).toBe("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName");
		expect(rename.deltas.members).toEqual([]);
	});
});

describe("Entra ID with aadOptscim062020", () => {
	it("applies filtered ops and one path-less replace with dotted and URN keys", () => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [
				{ op: "replace", path: 'emails[type eq "work"].value', value: "TestMhvaes@test.microsoft.com" },
				{
					op: "replace",
					value: {
						displayName: "Bjfe",
						"name.givenName": "Kkom",
						"name.familyName": "Unua",
						"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq",
					},
				},
			],
		});
		expect(result.displayName).toBe("Bjfe");
		expect(result.name).toEqual({ formatted: "givenName familyName", familyName: "Unua", givenName: "Kkom" });
		expect(result.emails).toEqual([{ primary: true, type: "work", value: "TestMhvaes@test.microsoft.com" }]);
		expect(result[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: "Aklq" });
	});

	it.each([false, true])("sets active to %s with a JSON boolean", (active) => {
		const result = patchUser({
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "active", value: active }],
		});
		expect(result.active).toBe(active);
	});

	it("removes one member with members[value eq …]", () => {
		const result = patchGroup({
			schemas: [PATCH_OP],
			Operations: [{ op: "remove", path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' }],
		});
		expect(result.deltas.members).toEqual([{ op: "remove", ids: ["7f4bc1a3-285e-48ae-8202-5accb43efb0e"] }]);
	});
});
