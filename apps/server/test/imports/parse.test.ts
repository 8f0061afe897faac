import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "@roster/domain/inputs/imports";
import { describe, expect, it } from "vitest";
import { parseUserImport } from "../../src/imports/parse.ts";
import { OperationError } from "../../src/operation-error.ts";

function refusal(content: string): string {
	try {
		parseUserImport(content);
	} catch (error) {
		expect(error).toBeInstanceOf(OperationError);
		return (error as OperationError).message;
	}
	throw new Error("the file was accepted");
}

describe("user import files", () => {
	it("reads a CSV file into SCIM User resources, in row order", () => {
		const rows = parseUserImport(
			"\uFEFFuserName,email,givenName,familyName,displayName,externalId,active\n" +
				"ada@example.com,ada@example.com,Ada,Lovelace,Ada L,ext-1,true\n" +
				'"grace@example.com",,Grace,"Hopper, Jr",,,no\n',
		);
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatchObject({
			rowNumber: 1,
			userName: "ada@example.com",
			resource: {
				userName: "ada@example.com",
				displayName: "Ada L",
				externalId: "ext-1",
				active: true,
				name: { givenName: "Ada", familyName: "Lovelace" },
				emails: [{ value: "ada@example.com", type: "work", primary: true }],
			},
		});
		expect(rows[1]?.resource).toMatchObject({ active: false, name: { familyName: "Hopper, Jr" } });
		expect(rows[1]?.resource).not.toHaveProperty("emails");
	});

	it("reads header names case-insensitively and needs only userName", () => {
		expect(parseUserImport("USERNAME\nlin@example.com\n")).toMatchObject([
			{ rowNumber: 1, userName: "lin@example.com" },
		]);
	});

	it("reads JSON arrays of SCIM resources or flat rows, and a SCIM ListResponse", () => {
		const scim = {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "kay@example.com",
			name: { givenName: "Kay" },
			roles: [{ value: "admin" }],
		};
		const rows = parseUserImport(JSON.stringify([scim, { userName: "flat@example.com", active: false }]));
		expect(rows[0]?.resource).toMatchObject({ userName: "kay@example.com", roles: [{ value: "admin" }] });
		expect(rows[1]?.resource).toMatchObject({ userName: "flat@example.com", active: false });
		expect(parseUserImport(JSON.stringify({ Resources: [scim] }))).toHaveLength(1);
	});

	it.each([
		["an unknown header column", "userName,phone\na,1\n", 'Header: unknown column "phone"'],
		["a header without userName", "email\na@example.com\n", "Header: the userName column is required"],
		["a repeated column", "userName,UserName\na,b\n", "Header: column userName appears twice"],
		["a row without userName", "userName,email\na,a@x\n,b@x\n", "Row 2: "],
		["a bad active value", "userName,active\na,true\nb,maybe\n", 'Row 2, column active: "maybe"'],
		["a row with too many cells", "userName\na\nb,c\n", "The CSV file cannot be read: "],
		["a repeated userName", "userName\nA@x\nb@x\na@X\n", 'Row 3: userName "a@X" repeats row 1'],
		["a header alone", "userName,email\n", "The file holds no users"],
		["broken JSON", "[{", "The JSON file cannot be read: "],
		["JSON that is not a list", '{"userName": "a"}', "The JSON file must hold an array of users"],
		["a JSON row that is not an object", '[{"userName": "a"}, 3]', "Row 2: expected a JSON object"],
		["a flat JSON row with a number", '[{"userName": 7}]', "Row 1, column userName: expected text"],
	])("refuses %s with where the problem is", (_name, content, message) => {
		expect(refusal(content)).toContain(message);
	});

	it("refuses a file over the size limit or the row limit", () => {
		expect(refusal(`userName\n${"x".repeat(MAX_IMPORT_BYTES)}\n`)).toBe("The file is larger than 8 MiB");
		const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `u${i}`).join("\n");
		expect(refusal(`userName\n${many}\n`)).toBe(`The file holds more than ${MAX_IMPORT_ROWS} users`);
	});
});
