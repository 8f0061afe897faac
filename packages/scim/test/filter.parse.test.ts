import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScimError } from "../src/errors.ts";
import type { FilterNode } from "../src/filter/ast.ts";
import { parseFilter } from "../src/filter/parse.ts";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const eq = (attr: string, value: string | number | boolean | null, sub?: string): FilterNode => ({
	kind: "compare",
	path: sub ? { attr, sub } : { attr },
	op: "eq",
	value,
});

function parseError(text: string): ScimError {
	try {
		parseFilter(text);
	} catch (error) {
		if (error instanceof ScimError) return error;
		throw error;
	}
	throw new Error(`expected ${text} to be rejected`);
}

describe("parseFilter: operators", () => {
	it.each(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const)(
		"parses %s and its upper case",
		(op) => {
			const expected = { kind: "compare", path: { attr: "title" }, op, value: "x" };
			expect(parseFilter(`title ${op} "x"`)).toEqual(expected);
			expect(parseFilter(`title ${op.toUpperCase()} "x"`)).toEqual(expected);
		},
	);

	it.each([
		["userName pr", { kind: "present", path: { attr: "userName" } }],
		["userName PR", { kind: "present", path: { attr: "userName" } }],
		['name.givenName eq "Bo"', eq("name", "Bo", "givenName")],
		["active eq true", eq("active", true)],
		["active eq False", eq("active", false)],
		["title eq null", eq("title", null)],
		["x eq 42", eq("x", 42)],
		["x eq -1.5e3", eq("x", -1500)],
		['title eq "tab\\tquote\\"slash\\\\u\\u00e9"', eq("title", 'tab\tquote"slash\\u\u00e9')],
		['title eq ""', eq("title", "")],
		['members.$ref eq "x"', eq("members", "x", "$ref")],
	] as const)("parses %s", (text, expected) => {
		expect(parseFilter(text)).toEqual(expected);
	});

	it("reads URN-qualified attributes and sub-attributes", () => {
		expect(parseFilter(`${ENTERPRISE}:department eq "Eng"`)).toEqual({
			kind: "compare",
			path: { uri: ENTERPRISE, attr: "department" },
			op: "eq",
			value: "Eng",
		});
		expect(parseFilter(`${ENTERPRISE}:manager.value eq "m1"`)).toEqual({
			kind: "compare",
			path: { uri: ENTERPRISE, attr: "manager", sub: "value" },
			op: "eq",
			value: "m1",
		});
	});

	it("accepts tabs, newlines and repeated spaces between tokens", () => {
		expect(parseFilter('  userName\teq\n"a"  ')).toEqual(eq("userName", "a"));
	});
});

describe("parseFilter: logic", () => {
	const a = eq("a", 1);
	const b = eq("b", 2);
	const c = eq("c", 3);
	it.each([
		["a eq 1 and b eq 2 or c eq 3", { kind: "or", left: { kind: "and", left: a, right: b }, right: c }],
		["a eq 1 or b eq 2 and c eq 3", { kind: "or", left: a, right: { kind: "and", left: b, right: c } }],
		["(a eq 1 or b eq 2) and c eq 3", { kind: "and", left: { kind: "or", left: a, right: b }, right: c }],
		["a eq 1 AND b eq 2 Or c eq 3", { kind: "or", left: { kind: "and", left: a, right: b }, right: c }],
		["a eq 1 and b eq 2 and c eq 3", { kind: "and", left: { kind: "and", left: a, right: b }, right: c }],
		["not (a eq 1)", { kind: "not", filter: a }],
		["NOT(a eq 1) and b eq 2", { kind: "and", left: { kind: "not", filter: a }, right: b }],
		["not (a eq 1 or b eq 2)", { kind: "not", filter: { kind: "or", left: a, right: b } }],
		["((a eq 1))", a],
	] as const)("parses %s", (text, expected) => {
		expect(parseFilter(text)).toEqual(expected);
	});

	it("treats an attribute called `not` without a parenthesis as an attribute", () => {
		expect(parseFilter("not pr")).toEqual({ kind: "present", path: { attr: "not" } });
	});
});

describe("parseFilter: value paths", () => {
	it("parses a value filter with and inside the brackets", () => {
		expect(parseFilter('emails[type eq "work" and primary eq true]')).toEqual({
			kind: "valuePath",
			path: { attr: "emails" },
			filter: { kind: "and", left: eq("type", "work"), right: eq("primary", true) },
		});
	});

	it("combines value paths with other terms", () => {
		expect(parseFilter('userName sw "a" and emails[value ew ".org"]')).toEqual({
			kind: "and",
			left: { kind: "compare", path: { attr: "userName" }, op: "sw", value: "a" },
			right: {
				kind: "valuePath",
				path: { attr: "emails" },
				filter: { kind: "compare", path: { attr: "value" }, op: "ew", value: ".org" },
			},
		});
	});

	it('rewrites Entra\'s emails[type eq "work"].value eq x into one value filter', () => {
		expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
			kind: "valuePath",
			path: { attr: "emails" },
			filter: { kind: "and", left: eq("type", "work"), right: eq("value", "a@b.c") },
		});
		expect(parseFilter('emails[type eq "work"].value ne "a@b.c"')).toEqual({
			kind: "not",
			filter: {
				kind: "valuePath",
				path: { attr: "emails" },
				filter: { kind: "and", left: eq("type", "work"), right: eq("value", "a@b.c") },
			},
		});
	});

	it("parses a URN-qualified value path", () => {
		expect(parseFilter(`${ENTERPRISE}:manager[value eq "m"]`)).toEqual({
			kind: "valuePath",
			path: { uri: ENTERPRISE, attr: "manager" },
			filter: eq("value", "m"),
		});
	});
});

describe("parseFilter: errors", () => {
	it.each([
		["", 1, "end of the filter"],
		["userName", 9, "operator"],
		["userName eq", 12, "value"],
		['userName eq "a" and', 20, "attribute path"],
		['userName eq "a" xor b', 17, '"xor"'],
		['userName pr "a"', 13, 'expected "and", "or"'],
		['userName like "a"', 10, "operator"],
		["userName eq and", 13, "value"],
		['userName eq "unterminated', 13, "unterminated"],
		['userName eq "bad \\x escape"', 13, "JSON string"],
		['userName eq "\\u0000"', 13, "U+0000"],
		['(userName eq "a"', 17, '")"'],
		['userName eq "a")', 16, '")"'],
		['emails[type eq "work"', 22, '"]"'],
		['emails[type[value eq "x"]]', 12, "nested"],
		['emails.value[type eq "x"]', 13, "sub-attribute"],
		['name.givenName.x eq "a"', 1, "more than one sub-attribute"],
		['1abc eq "a"', 1, "attribute name"],
		["urn:x eq 1", 1, "URN without an attribute"],
		['emails[type eq "w"].x.y eq 1', 20, "sub-attribute name"],
		["title eq 1e999", 10, "value"],
		["not userName pr", 5, '"userName"'],
	] as const)("rejects %j at position %i", (text, position, fragment) => {
		const error = parseError(text);
		expect(error.status).toBe(400);
		expect(error.scimType).toBe("invalidFilter");
		expect(error.detail).toContain(`position ${position}`);
		expect(error.detail).toContain(fragment);
	});

	it("rejects filters longer than the length limit", () => {
		const long = `title eq "${"a".repeat(5000)}"`;
		expect(() => parseFilter(long)).toThrow(/longer than 4096/);
		expect(() => parseFilter('title eq "abc"', { maxLength: 10 })).toThrow(/longer than 10/);
		expect(parseFilter(long, { maxLength: 10_000 })).toMatchObject({ kind: "compare" });
	});

	it("rejects more comparisons than the limit (each and-ed members.value one is a semi-join to plan)", () => {
		const chain = (count: number) => Array(count).fill("members.value pr").join(" and ");
		expect(parseFilter(chain(50))).toMatchObject({ kind: "and" });
		const error = parseError(chain(51));
		expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
		expect(error.detail).toContain("at most 50 comparisons");
		expect(() => parseFilter("a eq 1 or b eq 2 or c pr", { maxComparisons: 2 })).toThrow(/at most 2/);
	});

	it("rejects nesting deeper than the depth limit", () => {
		const nested = (depth: number) => `${"(".repeat(depth)}title pr${")".repeat(depth)}`;
		expect(parseFilter(nested(32))).toEqual({ kind: "present", path: { attr: "title" } });
		expect(parseError(nested(33)).detail).toContain("deeper than 32");
		expect(() => parseFilter(`${"not (".repeat(5)}a pr${")".repeat(5)}`, { maxDepth: 4 })).toThrow(
			/deeper than 4/,
		);
	});
});

describe("parseFilter: arbitrary input", () => {
	const alphabet = fc.constantFrom(...'abcXYZ09 \t"\\()[].:$-_eqnotandorprgtlsw,{}u'.split(""));
	const tokens = fc.constantFrom(
		"userName",
		"emails",
		"[",
		"]",
		"(",
		")",
		" ",
		"eq",
		"pr",
		"and",
		"or",
		"not",
		'"x"',
		"true",
		"null",
		"1.5",
		".value",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
		'"',
		"\\",
	);

	it("only ever throws ScimError(400, invalidFilter)", () => {
		const inputs = fc.oneof(
			fc.string({ maxLength: 60 }),
			fc.string({ unit: alphabet, maxLength: 60 }),
			fc.array(tokens, { maxLength: 24 }).map((parts) => parts.join(" ")),
			fc.array(tokens, { maxLength: 24 }).map((parts) => parts.join("")),
		);
		fc.assert(
			fc.property(inputs, (text) => {
				try {
					parseFilter(text);
				} catch (error) {
					expect(error).toBeInstanceOf(ScimError);
					expect((error as ScimError).status).toBe(400);
					expect((error as ScimError).scimType).toBe("invalidFilter");
				}
			}),
			{ numRuns: 2000 },
		);
	});
});
