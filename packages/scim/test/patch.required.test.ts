import { describe, expect, it } from "vitest";
import {
	applyPatch,
	type JsonObject,
	parsePatchRequest,
	ScimError,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const user: JsonObject = { schemas: [USER_SCHEMA], id: "u1", userName: "ada", active: true };

function patch(operations: unknown[], required?: string[]) {
	return applyPatch(
		user,
		parsePatchRequest({ schemas: [PATCH_OP], Operations: operations }),
		userResourceType,
		required ? { required } : {},
	);
}

function failure(run: () => unknown): { status: number; scimType: string | undefined } | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof ScimError) return { status: error.status, scimType: error.scimType };
		throw error;
	}
	return undefined;
}

describe("attributes the server always stores (PatchOptions.required)", () => {
	it.each([
		["remove by path", [{ op: "remove", path: "active" }]],
		["remove by URN path", [{ op: "remove", path: `${USER_SCHEMA}:active` }]],
		["remove by path in another case", [{ op: "Remove", path: "ACTIVE" }]],
		["replace with null", [{ op: "replace", path: "active", value: null }]],
		["path-less replace with null", [{ op: "replace", value: { active: null } }]],
	])("%s is 400 invalidValue", (_name, operations) => {
		expect(failure(() => patch(operations, ["active"]))).toEqual({ status: 400, scimType: "invalidValue" });
	});

	it("setting them and changing other attributes still works", () => {
		const { resource } = patch(
			[
				{ op: "replace", path: "active", value: false },
				{ op: "remove", path: "displayName" },
			],
			["active"],
		);
		expect(resource.active).toBe(false);
	});

	it("without the option the schema's optional attribute may be removed", () => {
		expect(patch([{ op: "remove", path: "active" }]).resource).not.toHaveProperty("active");
	});
});
