import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient, ScimReply } from "../../apps/server/test/scim/harness.ts";
import { type RosterUnderTest, startRoster } from "./roster.fixture.ts";
import { ENTERPRISE } from "./urns.ts";

let roster: RosterUnderTest;
let admin: ScimClient;
let userId = "";
beforeAll(async () => {
	roster = await startRoster();
	admin = (await roster.connect("fuzz", "entra")).admin;
	const created = await admin("POST", "/Users", {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName: "fuzz.target@example.com",
		emails: [{ type: "work", value: "fuzz.target@example.com" }],
	});
	userId = created.body?.id as string;
});
afterAll(async () => {
	await roster.close();
});

/** Never a 5xx; a 4xx always carries a SCIM Error body with its status as a string. */
function expectClientOrSuccess(reply: ScimReply, sent: unknown): void {
	expect(reply.status, `${JSON.stringify(sent)} → ${reply.text}`).toBeLessThan(500);
	if (reply.status >= 400) {
		expect(reply.body, reply.text).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: String(reply.status),
		});
		expect(reply.text).not.toMatch(/\n\s+at /);
	}
}

const attributePath = fc.oneof(
	fc.constantFrom(
		"userName",
		"USERNAME",
		"externalId",
		"id",
		"displayName",
		"active",
		"name.givenName",
		"name.FamilyName",
		"emails",
		"emails.value",
		'emails[type eq "work"].value',
		'emails[type eq "other"].Value',
		'addresses[type eq "work"].postalCode',
		"meta.created",
		"meta.lastModified",
		"members",
		'members[value eq "x"]',
		"roles",
		"manager",
		`${ENTERPRISE}:department`,
		`${ENTERPRISE}:manager`,
		`${ENTERPRISE}:manager.value`,
		"urn:unknown:ext:attr",
		"nope",
		"",
		"[",
		"a.b.c.d",
	),
	fc.string({ maxLength: 12 }),
);
const comparison = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Eq", "xx");
const literal = fc.oneof(
	fc.string({ maxLength: 10 }).map((text) => JSON.stringify(text)),
	fc.constantFrom(
		"true",
		"false",
		"null",
		"1",
		"-2.5e3",
		"1e999",
		'"2026-01-01T00:00:00Z"',
		'"unterminated',
		"'single'",
	),
	fc.integer().map(String),
);
const filter: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
	expr: fc.oneof(
		{ depthSize: "small", withCrossShrink: true },
		fc.tuple(attributePath, comparison, literal).map(([path, op, value]) => `${path} ${op} ${value}`),
		attributePath.map((path) => `${path} pr`),
		fc
			.tuple(tie("expr"), fc.constantFrom("and", "or", "AND", "xor"), tie("expr"))
			.map(([a, op, b]) => `${a} ${op} ${b}`),
		tie("expr").map((inner) => `not (${inner})`),
		tie("expr").map((inner) => `(${inner}`),
		fc.tuple(attributePath, tie("expr")).map(([path, inner]) => `${path}[${inner}]`),
		fc.string({ maxLength: 30 }),
	),
})).expr;

const opName = fc.oneof(
	fc.constantFrom("add", "Add", "ADD", "replace", "Replace", "remove", "Remove", "copy", ""),
	fc.jsonValue({ maxDepth: 1 }),
);
const operation = fc.record(
	{
		op: opName,
		path: fc.oneof(attributePath, fc.jsonValue({ maxDepth: 1 })),
		value: fc.jsonValue({ maxDepth: 3 }),
	},
	{ requiredKeys: ["op"] },
);
const patchBody = fc.oneof(
	fc.record({
		schemas: fc.constantFrom(["urn:ietf:params:scim:api:messages:2.0:PatchOp"], [], ["urn:x"]),
		Operations: fc.array(operation, { maxLength: 4 }),
	}),
	fc.record({ Operations: fc.jsonValue({ maxDepth: 2 }) }),
	fc.jsonValue({ maxDepth: 3 }),
);

describe("bad input never gets a 5xx (fast-check over HTTP)", () => {
	it("GET /Users?filter=<random> answers 2xx or a SCIM 4xx", async () => {
		await fc.assert(
			fc.asyncProperty(filter, async (expression) => {
				const reply = await admin("GET", `/Users?filter=${encodeURIComponent(expression)}`);
				expectClientOrSuccess(reply, expression);
				if (reply.status === 200) expect(Number.isInteger(reply.body?.totalResults)).toBe(true);
			}),
			{ numRuns: 150 },
		);
	});

	it("PATCH /Users/{id} with a random body answers 2xx or a SCIM 4xx", async () => {
		await fc.assert(
			fc.asyncProperty(patchBody, async (body) => {
				const reply = await admin("PATCH", `/Users/${userId}`, body);
				expectClientOrSuccess(reply, body);
				if (reply.status === 200) expect(reply.body?.id).toBe(userId);
			}),
			{ numRuns: 150 },
		);
	});
});
