import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	applyPatch,
	ENTERPRISE_USER_SCHEMA,
	groupResourceType,
	type JsonObject,
	parsePatchRequest,
	ScimError,
	USER_SCHEMA,
	userResourceType,
} from "../src/index.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const user: JsonObject = {
	schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
	id: "u-1",
	userName: "alice@example.com",
	active: true,
	name: { givenName: "Alice", familyName: "Liddell" },
	emails: [
		{ value: "alice@example.com", type: "work", primary: true },
		{ value: "a@home.example", type: "home" },
	],
	roles: [{ value: "admin" }],
	[ENTERPRISE_USER_SCHEMA]: { department: "R&D", manager: { value: "m-1" } },
};

const names = [
	"userName",
	"active",
	"name",
	"emails",
	"roles",
	"title",
	"id",
	"meta",
	"groups",
	"members",
	"nope",
];
const subs = ["givenName", "value", "type", "primary", "display", "x"];

const attrName = fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 }));
const pathText = fc.oneof(
	attrName,
	fc.tuple(attrName, fc.constantFrom(...subs)).map(([a, s]) => `${a}.${s}`),
	fc.constantFrom(...names).map((a) => `${ENTERPRISE_USER_SCHEMA}:${a}`),
	fc
		.tuple(
			attrName,
			fc.constantFrom(...subs),
			fc.string({ maxLength: 6 }),
			fc.constantFrom("eq", "ne", "co", "pr", "gt"),
		)
		.map(([a, s, v, op]) => (op === "pr" ? `${a}[${s} pr]` : `${a}[${s} ${op} ${JSON.stringify(v)}]`)),
	fc.string({ maxLength: 30 }),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const operation = fc.record(
	{
		op: fc.oneof(
			fc.constantFrom("add", "Add", "replace", "Replace", "remove", "Remove"),
			fc.string({ maxLength: 5 }),
		),
		path: pathText,
		value: fc.oneof(jsonValue, fc.dictionary(attrName, jsonValue, { maxKeys: 4 })),
	},
	{ requiredKeys: ["op"] },
);
const body = fc.oneof(
	fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.array(operation, { maxLength: 5 }) }),
	jsonValue,
);

function run(resource: JsonObject, raw: unknown, deltaAttributes?: string[]) {
	const rt = deltaAttributes ? groupResourceType : userResourceType;
	return applyPatch(resource, parsePatchRequest(raw), rt, deltaAttributes ? { deltaAttributes } : {});
}

function attempt(fn: () => unknown): boolean {
	try {
		fn();
		return true;
	} catch (error) {
		expect(error).toBeInstanceOf(ScimError);
		expect([400, 409]).toContain((error as ScimError).status);
		return false;
	}
}

describe("PATCH properties", () => {
	it("random PATCH bodies only ever fail with a 400/409 ScimError", () => {
		let applied = 0;
		fc.assert(
			fc.property(body, (raw) => {
				if (attempt(() => run(user, raw))) applied++;
				attempt(() => run({ schemas: [], id: "g", displayName: "G" }, raw, ["members"]));
			}),
			{ numRuns: 1500 },
		);
		expect(applied).toBeGreaterThan(100);
	});

	it("applyPatch never mutates its input", () => {
		fc.assert(
			fc.property(fc.array(operation, { maxLength: 5 }), (operations) => {
				const input = structuredClone(user);
				attempt(() => run(input, { schemas: [PATCH_OP], Operations: operations }));
				expect(input).toEqual(user);
			}),
			{ numRuns: 800 },
		);
	});

	it("a path-less replace of a full object reads back the values sent", () => {
		const text = fc.string({ minLength: 1, maxLength: 12 }).filter((value) => !value.includes("\u0000"));
		const sent = fc.record({
			userName: text,
			displayName: text,
			active: fc.boolean(),
			name: fc.record({ givenName: text, familyName: text }),
			emails: fc.uniqueArray(fc.record({ value: text, type: fc.constantFrom("work", "home") }), {
				minLength: 1,
				maxLength: 3,
				selector: (email) => email.value,
			}),
			[ENTERPRISE_USER_SCHEMA]: fc.record({ department: text, manager: fc.record({ value: text }) }),
		});
		fc.assert(
			fc.property(sent, (values) => {
				const { resource } = run(user, {
					schemas: [PATCH_OP],
					Operations: [{ op: "replace", value: values }],
				});
				expect(resource.userName).toBe(values.userName);
				expect(resource.displayName).toBe(values.displayName);
				expect(resource.active).toBe(values.active);
				expect(resource.name).toEqual(values.name);
				expect(resource.emails).toEqual(values.emails);
				expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual(values[ENTERPRISE_USER_SCHEMA]);
			}),
			{ numRuns: 300 },
		);
	});
});
