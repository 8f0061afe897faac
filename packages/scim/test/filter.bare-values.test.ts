import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScimError } from "../src/errors.ts";
import type { FilterNode } from "../src/filter/ast.ts";
import { compareInstants, parseInstant } from "../src/filter/datetime.ts";
import { evaluateFilter } from "../src/filter/evaluate.ts";
import { parseFilter } from "../src/filter/parse.ts";
import { userResourceType } from "../src/schemas/index.ts";

const compare = (attr: string, op: string, value: unknown, sub?: string) => ({
	kind: "compare",
	path: sub ? { attr, sub } : { attr },
	op,
	value,
});

function rejection(run: () => unknown): ScimError {
	try {
		run();
	} catch (error) {
		if (error instanceof ScimError) return error;
		throw error;
	}
	throw new Error("expected a ScimError");
}

describe("parseFilter: unquoted values", () => {
	it.each([
		["userName sw O", compare("userName", "sw", "O")],
		[
			"meta.created gt 2015-10-10T14:38:21.8617979-07:00",
			compare("meta", "gt", "2015-10-10T14:38:21.8617979-07:00", "created"),
		],
		["emails.value co example.com", compare("emails", "co", "example.com", "value")],
		["title eq O'Brien", compare("title", "eq", "O'Brien")],
		["title eq pr", compare("title", "eq", "pr")],
	])("reads %s as a string comparison", (text, expected) => {
		expect(parseFilter(text)).toEqual(expected);
	});

	it.each(["addresses.country eq 125\u0000683460", "title eq a\u0007b", "phoneNumbers[type ne 5\u00009]"])(
		"refuses a bare value with a control character in %j (PostgreSQL refuses U+0000: it was a 500)",
		(text) => {
			expect(() => parseFilter(text)).toThrow(/control characters/);
		},
	);

	it("parses the whole Okta-style filter, parentheses closing right after a bare value", () => {
		expect(
			parseFilter(
				"name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)",
			),
		).toEqual({
			kind: "and",
			left: compare("name", "eq", "Employee", "familyName"),
			right: {
				kind: "or",
				left: compare("emails", "co", "example.com", "value"),
				right: compare("emails", "co", "example.org", "value"),
			},
		});
		expect(parseFilter("emails[type eq work]")).toEqual({
			kind: "valuePath",
			path: { attr: "emails" },
			filter: compare("type", "eq", "work"),
		});
	});

	it.each([
		["active eq TRUE", true],
		["active eq false", false],
		["title eq null", null],
		["title eq 42", 42],
		["title eq -1.5e3", -1500],
	])("keeps the meaning of %s", (text, value) => {
		expect((parseFilter(text) as Extract<FilterNode, { kind: "compare" }>).value).toBe(value);
	});

	it.each([
		["userName eq and active eq true", 13],
		["userName eq or", 13],
		["userName eq NOT", 13],
		["userName eq )", 13],
		["title eq 1e999", 10],
	])("still rejects %s, whose value is missing or no value at all", (text, position) => {
		const error = rejection(() => parseFilter(text));
		expect(error.scimType).toBe("invalidFilter");
		expect(error.detail).toContain(`position ${position}`);
	});

	it("refuses bare values when the syntax is strict, and only them", () => {
		const strict = { bareValues: false };
		const error = rejection(() => parseFilter("userName sw O", {}, strict));
		expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
		expect(error.detail).toContain("position 13");
		expect(parseFilter('userName sw "O" and active eq true', {}, strict)).toEqual({
			kind: "and",
			left: compare("userName", "sw", "O"),
			right: compare("active", "eq", true),
		});
	});

	it("reads any unquoted word as the same string as its quoted form", () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Za-z@._'%-][^\s()[\]"]{0,12}$/), (word) => {
				fc.pre(!/^(?:true|false|null|and|or|not|-\d.*)$/i.test(word));
				expect(parseFilter(`title eq ${word}`)).toEqual(parseFilter(`title eq ${JSON.stringify(word)}`));
			}),
			{ seed: 7_102_026 },
		);
	});
});

describe("dateTimes finer than a microsecond", () => {
	it("round like PostgreSQL's timestamptz input (ties to even, carrying into the next second)", () => {
		expect(parseInstant("2015-10-10T14:38:21.8617979-07:00")).toEqual({
			epochSeconds: Date.parse("2015-10-10T21:38:21Z") / 1000,
			micros: 861_798,
		});
		expect(parseInstant("2024-01-01T00:00:00.0000005Z")?.micros).toBe(0);
		expect(parseInstant("2024-01-01T00:00:00.0000015Z")?.micros).toBe(2);
		expect(parseInstant("2024-01-01T00:00:00.0000025Z")?.micros).toBe(2);
		expect(parseInstant("2023-12-31T23:59:59.9999995Z")).toEqual(parseInstant("2024-01-01T00:00:00Z"));
		expect(parseInstant("2024-01-01T00:00:00.123456789Z")?.micros).toBe(123_457);
	});

	it("stop at nine fractional digits, so no longer value can reach PostgreSQL's input limit", () => {
		expect(parseInstant("2024-01-01T00:00:00.1234567890Z")).toBeUndefined();
		const error = rejection(() =>
			evaluateFilter(
				parseFilter(`meta.created gt 2024-01-01T00:00:00.${"1".repeat(120)}Z`),
				{},
				userResourceType,
			),
		);
		expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
	});

	it("compare a .NET-style unquoted dateTime against meta.created", () => {
		const user = {
			schemas: [userResourceType.schema],
			id: "u1",
			userName: "u",
			meta: { created: "2015-10-10T21:38:21.861798Z" },
		};
		expect(
			evaluateFilter(
				parseFilter("meta.created ge 2015-10-10T14:38:21.8617979-07:00"),
				user,
				userResourceType,
			),
		).toBe(true);
		expect(
			evaluateFilter(
				parseFilter("meta.created gt 2015-10-10T14:38:21.8617979-07:00"),
				user,
				userResourceType,
			),
		).toBe(false);
		const instant = parseInstant("2015-10-10T14:38:21.8617979-07:00");
		const stored = parseInstant(user.meta.created);
		expect(instant && stored && compareInstants(instant, stored)).toBe(0);
	});
});
