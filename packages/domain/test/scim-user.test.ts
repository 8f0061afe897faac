import { ENTERPRISE_USER_SCHEMA } from "@roster/scim";
import { describe, expect, it } from "vitest";
import { diffFields, pickEmail, readRoleValues, userFieldsFromScim, userToScim } from "../src/index.ts";

const created = new Date("2026-01-01T00:00:00.000Z");

describe("userFieldsFromScim / userToScim", () => {
	it("splits columns from the remainder and rebuilds the same resource", () => {
		const input = {
			userName: "ada@example.com",
			externalId: "00u1",
			displayName: "Ada Lovelace",
			name: { givenName: "Ada", familyName: "Lovelace", middleName: "King" },
			emails: [{ value: "ada@example.com", type: "work", primary: true }],
			title: "Countess",
			[ENTERPRISE_USER_SCHEMA]: { department: "Math", manager: { value: "m-1" } },
		};
		const fields = userFieldsFromScim(input);
		expect(fields).toMatchObject({
			userName: "ada@example.com",
			email: "ada@example.com",
			givenName: "Ada",
			familyName: "Lovelace",
			externalId: "00u1",
			displayName: "Ada Lovelace",
		});
		expect(fields.attributes).toEqual({
			name: { middleName: "King" },
			emails: input.emails,
			title: "Countess",
			[ENTERPRISE_USER_SCHEMA]: input[ENTERPRISE_USER_SCHEMA],
		});
		const out = userToScim(
			{ ...fields, id: "u-1", isActive: false, version: 3, createdAt: created, updatedAt: created },
			{ location: "http://x/scim/v2/Users/u-1", roleShape: "object" },
		);
		expect(out).toMatchObject({ ...input, id: "u-1", active: false });
		expect(out.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA]);
		expect(out.meta).toEqual({
			resourceType: "User",
			created: created.toISOString(),
			lastModified: created.toISOString(),
			location: "http://x/scim/v2/Users/u-1",
			version: 'W/"3"',
		});
	});

	it("returns roles in the shape the client reads", () => {
		const fields = userFieldsFromScim({ userName: "a", roles: ["urn:roster:role:organization:*:admin"] });
		const base = { ...fields, id: "u", isActive: true, version: 1, createdAt: created, updatedAt: created };
		expect(userToScim(base, { location: "l", roleShape: "string" }).roles).toEqual([
			"urn:roster:role:organization:*:admin",
		]);
		expect(userToScim(base, { location: "l", roleShape: "object" }).roles).toEqual([
			{ value: "urn:roster:role:organization:*:admin" },
		]);
	});
});

describe("readRoleValues", () => {
	it.each([
		["plain strings (Okta)", ["a", "b"], [{ value: "a" }, { value: "b" }]],
		["objects", [{ value: "a", primary: true, type: "T" }], [{ value: "a", primary: true, type: "T" }]],
		[
			"Entra JSON in value",
			[{ value: '{"id":"06b0","value":"25","displayName":"Role1234"}' }],
			[{ value: "25", display: "Role1234" }],
		],
		[
			"Entra JSON without value uses display name",
			['{"id":"1","displayName":"urn:x"}'],
			[{ value: "urn:x", display: "urn:x" }],
		],
		["duplicates and junk dropped", ["a", { value: "a" }, { nope: 1 }, "", 7], [{ value: "a" }]],
		["null", null, []],
	])("%s", (_label, input, expected) => {
		expect(readRoleValues(input)).toEqual(expected);
	});
});

describe("pickEmail", () => {
	it("prefers primary, then work, then first", () => {
		expect(
			pickEmail([
				{ value: "o", type: "other" },
				{ value: "p", primary: true },
			]),
		).toBe("p");
		expect(
			pickEmail([
				{ value: "o", type: "other" },
				{ value: "w", type: "work" },
			]),
		).toBe("w");
		expect(pickEmail([{ value: "o", type: "other" }])).toBe("o");
		expect(pickEmail(undefined)).toBeNull();
	});
});

describe("diffFields", () => {
	it("lists only changed fields, missing as null", () => {
		expect(diffFields({ a: 1, b: [1], c: "x" }, { a: 1, b: [2], d: true })).toEqual({
			b: { old: [1], new: [2] },
			c: { old: "x", new: null },
			d: { old: null, new: true },
		});
	});
});
