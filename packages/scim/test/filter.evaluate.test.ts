import { describe, expect, it } from "vitest";
import { ScimError } from "../src/errors.ts";
import { createFilterPredicate, evaluateElementFilter, evaluateFilter } from "../src/filter/evaluate.ts";
import { parseFilter } from "../src/filter/parse.ts";
import { ENTERPRISE_USER_SCHEMA, groupResourceType, userResourceType } from "../src/schemas/index.ts";

const user = {
	schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA],
	id: "2819c223-7f76-453a-919d-413861904646",
	externalId: "Ext-7",
	userName: "Barbara.Jensen@Example.com",
	name: { givenName: "Barbara", familyName: "Jensen" },
	displayName: "Babs",
	title: "",
	active: true,
	emails: [
		{ value: "bjensen@example.com", type: "work", primary: true },
		{ value: "babs@jensen.org", type: "home" },
	],
	addresses: [{ type: "work", postalCode: "91608", locality: "Hollywood" }],
	roles: [],
	meta: { created: "2024-03-01T10:00:00Z", lastModified: "2024-03-05T10:00:00.250Z" },
	[ENTERPRISE_USER_SCHEMA]: { department: "Tour Operations", manager: { value: "m-1", displayName: "John" } },
};

const matches = (filter: string, resource: Record<string, unknown> = user) =>
	evaluateFilter(parseFilter(filter), resource, userResourceType);

describe("evaluateFilter", () => {
	it.each([
		['userName eq "barbara.jensen@example.com"', true],
		['USERNAME EQ "BARBARA.JENSEN@EXAMPLE.COM"', true],
		['userName ne "barbara.jensen@example.com"', false],
		['userName sw "barb"', true],
		['userName ew "EXAMPLE.COM"', true],
		['userName co "jensen@"', true],
		['userName co "%"', false],
		['userName gt "a"', true],
		['userName lt "a"', false],
		['externalId eq "Ext-7"', true],
		['externalId eq "ext-7"', false],
		['id eq "2819c223-7f76-453a-919d-413861904646"', true],
		['id eq "2819C223-7F76-453A-919D-413861904646"', false],
		['name.givenName eq "barbara"', true],
		['name.FamilyName sw "J"', true],
		['name.middleName eq "x"', false],
		["active eq true", true],
		["active eq false", false],
		["active ne false", true],
		['emails eq "babs@jensen.org"', true],
		['emails.value eq "BABS@JENSEN.ORG"', true],
		['emails.value ne "babs@jensen.org"', false],
		['emails.value ew ".net"', false],
		['emails[type eq "work" and primary eq true]', true],
		['emails[type eq "home" and primary eq true]', false],
		['emails[type eq "home"].value eq "babs@jensen.org"', true],
		['emails[type eq "work"].value eq "babs@jensen.org"', false],
		['emails[type eq "work"].Value ne "babs@jensen.org"', true],
		['addresses[type eq "work"].postalCode eq "91608"', true],
		['emails[not (type eq "work")]', true],
		["emails pr", true],
		["roles pr", false],
		["title pr", false],
		["nickName pr", false],
		["name pr", true],
		["title eq null", true],
		["displayName ne null", true],
		['meta.created gt "2024-03-01T09:59:59Z"', true],
		['meta.created eq "2024-03-01T11:00:00+01:00"', true],
		['meta.created ge "2024-03-01T10:00:00.000001Z"', false],
		['meta.lastModified gt "2024-03-05T10:00:00.2Z"', true],
		['meta.lastModified lt "2024-03-05T10:00:00.25Z"', false],
		['department eq "tour operations"', true],
		[`${ENTERPRISE_USER_SCHEMA}:department sw "Tour"`, true],
		[`${ENTERPRISE_USER_SCHEMA}:manager.value eq "m-1"`, true],
		[`${ENTERPRISE_USER_SCHEMA}:manager[value eq "m-1"]`, true],
		['department eq "x" or active eq true', true],
		['department eq "x" or active eq true and title pr', false],
		['(department eq "x" or active eq true) and not (title pr)', true],
		['not (userName pr) or not (emails[type eq "work"])', false],
	])("%s → %s", (filter, expected) => {
		expect(matches(filter)).toBe(expected);
	});

	it("treats absent attributes as not equal and not present", () => {
		const empty = { userName: "x" };
		expect(matches('title ne "a"', empty)).toBe(true);
		expect(matches('title eq "a"', empty)).toBe(false);
		expect(matches("emails pr", empty)).toBe(false);
		expect(matches('emails.value ne "a"', empty)).toBe(true);
		expect(matches(`${ENTERPRISE_USER_SCHEMA}:department pr`, empty)).toBe(false);
	});

	it("reads attribute names case-insensitively in the resource", () => {
		const shouting = { USERNAME: "a", Emails: [{ VALUE: "x@y", Type: "work" }] };
		expect(matches('userName eq "A"', shouting)).toBe(true);
		expect(matches('emails[type eq "work"].value eq "x@y"', shouting)).toBe(true);
	});

	it("never matches stored values of another JSON type", () => {
		expect(matches("active eq true", { active: "true" })).toBe(false);
		expect(matches('title eq "1"', { title: 1 })).toBe(false);
		expect(matches('meta.created gt "2020-01-01T00:00:00Z"', { meta: { created: "yesterday" } })).toBe(false);
		expect(matches('emails.value eq "a"', { emails: { value: "a" } })).toBe(false);
	});

	it.each([
		['active eq "yes"', "boolean"],
		["userName eq true", "string"],
		["meta.created gt 5", "dateTime"],
		['meta.created gt "2024-02-30T00:00:00Z"', "dateTime"],
		['meta.created co "2024"', "needs a string"],
		["active gt true", "cannot order"],
		["userName gt null", "null"],
		['nope eq "x"', "Unknown attribute"],
		['password eq "secret"', "cannot be used"],
		['name eq "x"', "complex"],
		['userName[value eq "x"]', "not a complex"],
		['emails[nope eq "x"]', "Unknown attribute"],
		['emails[emails.type eq "work"]', "Unknown attribute"],
		['x509Certificates.value gt "a"', "cannot order"],
	])("rejects %s as invalidFilter", (filter, fragment) => {
		let caught: unknown;
		try {
			matches(filter);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(ScimError);
		expect((caught as ScimError).scimType).toBe("invalidFilter");
		expect((caught as ScimError).detail).toContain(fragment);
	});

	it("evaluates Group filters on members", () => {
		const group = { displayName: "Admins", members: [{ value: "u1", display: "Ann" }, { value: "u2" }] };
		const evaluate = (filter: string) => evaluateFilter(parseFilter(filter), group, groupResourceType);
		expect(evaluate('members[value eq "u2"]')).toBe(true);
		expect(evaluate('members.value eq "u3"')).toBe(false);
		expect(evaluate('displayName eq "admins"')).toBe(true);
	});
});

describe("createFilterPredicate", () => {
	it("checks the filter once and then filters many resources", () => {
		const people = [{ userName: "a", active: true }, { userName: "b", active: false }, { userName: "c" }];
		const isActive = createFilterPredicate(parseFilter("active eq true"), userResourceType);
		expect(people.filter(isActive).map((person) => person.userName)).toEqual(["a"]);
		expect(() => createFilterPredicate(parseFilter("active eq 1"), userResourceType)).toThrow(ScimError);
	});
});

describe("evaluateElementFilter", () => {
	it("tests one element against the filter inside a PATCH path's brackets", () => {
		const filter = parseFilter('type eq "Work" and primary eq true');
		const emails = { attr: "emails" };
		expect(
			evaluateElementFilter(filter, { value: "a", type: "work", primary: true }, userResourceType, emails),
		).toBe(true);
		expect(
			evaluateElementFilter(filter, { value: "a", type: "home", primary: true }, userResourceType, emails),
		).toBe(false);
		expect(evaluateElementFilter(filter, "not an object", userResourceType, emails)).toBe(false);
	});

	it("rejects sub-attributes the parent does not have", () => {
		expect(() =>
			evaluateElementFilter(parseFilter('nope eq "x"'), {}, userResourceType, { attr: "emails" }),
		).toThrow(ScimError);
		expect(() =>
			evaluateElementFilter(parseFilter('value eq "x"'), {}, userResourceType, { attr: "title" }),
		).toThrow(/not a complex attribute/);
	});
});
