import { GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from "@roster/scim";
import fc from "fast-check";
import {
	allTargets,
	groupTargets,
	placeValue,
	userTargets,
	validGroup,
	validUser,
	validValue,
	wrongTypedResource,
	wrongValue,
} from "./attributes.ts";
import { mutatedFilter, validFilter } from "./filters.ts";

const BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/** `2^min`…`2^max`, so sizes spread evenly over orders of magnitude instead of clustering near the top. */
export function magnitude(minExponent: number, maxExponent: number): fc.Arbitrary<number> {
	return fc
		.tuple(fc.integer({ min: minExponent, max: maxExponent - 1 }), fc.double({ min: 0, max: 1, noNaN: true }))
		.map(([exponent, fraction]) => Math.round(2 ** (exponent + fraction)));
}

export const searchBody = fc.record(
	{
		schemas: fc.constant([SEARCH_REQUEST_SCHEMA]),
		filter: validFilter,
		startIndex: fc.integer({ min: 1, max: 5 }),
		count: fc.integer({ min: 0, max: 20 }),
		attributes: fc.array(fc.constantFrom(...allTargets.map((target) => target.path)), { maxLength: 3 }),
	},
	{ requiredKeys: ["schemas"] },
);

const patchPath = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...allTargets.map((target) => target.path)) },
	fc.constantFrom(
		'emails[type eq "work"].value',
		'emails[type eq "work"]',
		'members[value eq "@user1@"]',
		'addresses[type eq "work"].streetAddress',
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
		"name.givenName.extra",
		"emails[",
		"members[value eq]",
		"",
		".",
		"urn:ietf:params:scim:schemas:core:2.0:User:",
	),
	mutatedFilter.map((filter) => `emails[${filter}].value`),
	fc.string({ maxLength: 20 }),
);

const patchOperation = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(...allTargets).chain((target) =>
			fc.record(
				{
					op: fc.constantFrom("add", "replace", "remove", "Add", "Replace", "Remove"),
					path: fc.constant(target.path),
					value: fc.oneof(validValue(target.def), wrongValue(target.def)),
				},
				{ requiredKeys: ["op"] },
			),
		),
	},
	fc.record(
		{
			op: fc.oneof(
				fc.constantFrom("add", "replace", "remove", "REPLACE", "move", "copy", "test", ""),
				fc.integer(),
				fc.constant(null),
			),
			path: fc.oneof(patchPath, fc.integer(), fc.constant(null)),
			value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined)),
		},
		{ requiredKeys: [] },
	),
	fc.constantFrom(
		{ op: "Replace", path: "active", value: "False" },
		{ op: "Replace", path: "active", value: "True" },
		{ op: "Add", path: "members", value: [{ value: "@user1@" }, { value: "@user2@" }] },
		{ op: "Remove", path: "members", value: [{ value: "@user1@" }] },
		{
			op: "Add",
			path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
			value: "@user2@",
		},
		{ op: "Replace", path: 'emails[type eq "work"].value', value: "entra@example.test" },
		{ op: "replace", value: { active: false } },
		{ op: "replace", value: { id: "@group0@", displayName: "okta renamed" } },
		{ op: "remove", path: 'members[value eq "@user1@"]' },
		{
			op: "replace",
			value: { "urn:ietf:params:scim:schemas:core:2.0:User:active": "false", "name.givenName": "X" },
		},
		{ op: "remove", path: "active" },
		{ op: "remove", path: "members" },
	),
);

/** PATCH bodies as Entra and Okta send them, and mutated: bad op names, paths, values and envelopes. */
export const patchBody: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc
			.array(patchOperation, { minLength: 1, maxLength: 5 })
			.map((ops) => ({ schemas: [PATCH_OP_SCHEMA], Operations: ops })),
	},
	fc.array(patchOperation, { maxLength: 3 }).map((ops) => ({ Operations: ops })),
	fc.record({
		schemas: fc.constant([PATCH_OP_SCHEMA]),
		Operations: fc.oneof(fc.jsonValue({ maxDepth: 2 }), patchOperation),
	}),
	fc.record({
		schemas: fc.jsonValue({ maxDepth: 1 }),
		operations: fc.array(patchOperation, { maxLength: 2 }),
	}),
);

const bulkPath = fc.oneof(
	fc.constantFrom(
		"/Users",
		"/Groups",
		"/Users/@user3@",
		"/Groups/@group1@",
		"/Users/bulkId:u1",
		"/Groups/bulkId:g1",
	),
	fc.constantFrom(
		"/Users/bulkId:nope",
		"/Bulk",
		"/Users/",
		"Users",
		"/users",
		"/Groups/bulkId:",
		"/../Users",
		"",
	),
	fc.string({ maxLength: 20 }),
);

const bulkOperation = fc.record(
	{
		method: fc.oneof(fc.constantFrom("POST", "PUT", "PATCH", "DELETE", "GET", "post", ""), fc.integer()),
		path: bulkPath,
		bulkId: fc.oneof(fc.constantFrom("u1", "g1", "u1", ""), fc.integer()),
		version: fc.constantFrom('W/"1"', "garbage"),
		data: fc.oneof(
			validUser,
			validGroup.map((group) => ({ ...group, members: [{ value: "bulkId:u1" }, { value: "bulkId:g1" }] })),
			wrongTypedResource("User"),
			wrongTypedResource("Group"),
			patchBody,
			fc.jsonValue({ maxDepth: 2 }),
		),
	},
	{ requiredKeys: ["method"] },
);

/** Bulk requests, valid and broken: methods, paths, bulkId references (also circular), failOnErrors. */
export const bulkBody: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record(
			{
				schemas: fc.constant([BULK_REQUEST_SCHEMA]),
				failOnErrors: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom("1", null, 1e300)),
				Operations: fc.array(bulkOperation, { maxLength: 8 }),
			},
			{ requiredKeys: ["schemas", "Operations"] },
		),
	},
	fc.record({ schemas: fc.jsonValue({ maxDepth: 1 }), Operations: fc.jsonValue({ maxDepth: 3 }) }),
);

/** The body each endpoint expects, valid, so the malformed-JSON cases break a realistic text. */
export const bodyFor: Record<string, fc.Arbitrary<unknown>> = {
	user: validUser,
	group: validGroup,
	patch: patchBody,
	search: searchBody,
	bulk: bulkBody,
};

const INVALID_UTF8 = [
	[0xff],
	[0xc3, 0x28],
	[0xc0, 0xaf],
	[0xed, 0xa0, 0x80],
	[0xf4, 0x90, 0x80, 0x80],
	[0xe2, 0x82],
];

function insertAt(text: string, at: number, insert: string): string {
	const index = at % (text.length + 1);
	return text.slice(0, index) + insert + text.slice(index);
}

/** Text and byte mutations of a JSON body: each is invalid JSON or JSON a naive server mishandles. */
function malformed(text: string): fc.Arbitrary<string | Uint8Array> {
	return fc.oneof(
		fc.nat().map((cut) => text.slice(0, cut % text.length)),
		fc.constant(`\ufeff${text}`),
		fc.nat().map((at) => insertAt(text, at, "\u0000")),
		fc.constant(text.replace(/"([^"]*)"(?=[,}\]])/, '"$1\\u0000"')),
		fc.constant(text.replace(/"([^"]*)"(?=[,}\]])/, '"$1\\ud800"')),
		fc.constant(text.replace(/"([^"]*)"(?=[,}\]])/, '"\\udfff$1"')),
		fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([at, bytes]) => {
			const raw = Buffer.from(text, "utf8");
			const index = at % (raw.length + 1);
			return new Uint8Array(Buffer.concat([raw.subarray(0, index), Buffer.from(bytes), raw.subarray(index)]));
		}),
		fc
			.constantFrom("1e400", "-1e400", "1".repeat(400), "1e-400", "-0", "0.0000000000000000000001")
			.map((number) => text.replace(/"([^"]*)"(?=[,}\]])/, number)),
		fc.constant(text.replace(/^\{/, '{"userName":"dup","userName":7,"schemas":[],"schemas":')),
		fc.constant(text.replace(/}$/, ",}")),
		fc.constant(text.replaceAll('"', "'")),
		fc.constant(`${text}${text}`),
		fc.constant(`/* c */${text}`),
		fc.constantFrom("", " ", "null", "true", "0", '"text"', "[]", "{}", "[{}]", "NaN", "{", "}", "\u0000"),
	);
}

export const malformedBody = (endpointBody: string): fc.Arbitrary<string | Uint8Array> =>
	(bodyFor[endpointBody] ?? validUser).chain((body) => malformed(JSON.stringify(body)));

function nested(depth: number, shape: "array" | "object" | "mixed", leaf = "1"): string {
	const open = shape === "array" ? "[" : shape === "object" ? '{"a":' : '[{"a":';
	const close = shape === "array" ? "]" : shape === "object" ? "}" : "}]";
	return open.repeat(depth) + leaf + close.repeat(depth);
}

const depth = fc.oneof(magnitude(6, 15), fc.constantFrom(100, 1000, 10_000, 100_000));
const nestShape = fc.constantFrom("array", "object", "mixed") as fc.Arbitrary<"array" | "object" | "mixed">;

/** Bodies nested thousands of levels deep, whole or as one attribute's value, for every body endpoint. */
export function deepBody(endpointBody: string): fc.Arbitrary<string> {
	return fc
		.tuple(depth, nestShape, fc.constantFrom(...userTargets, ...groupTargets), fc.nat(3))
		.map(([levels, shape, target, where]) => {
			const deep = nested(levels, shape);
			if (where === 0) return deep;
			if (endpointBody === "patch")
				return `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"add","path":"${target.path}","value":${deep}}]}`;
			if (endpointBody === "bulk")
				return `{"schemas":["${BULK_REQUEST_SCHEMA}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":${deep}}]}`;
			if (endpointBody === "search") return `{"schemas":["${SEARCH_REQUEST_SCHEMA}"],"attributes":${deep}}`;
			const schema = target.resource === "User" ? USER_SCHEMA : GROUP_SCHEMA;
			return `{"schemas":["${schema}"],"userName":"deep@example.test","displayName":"deep","${target.keys[0]}":${deep}}`;
		});
}

const longString = magnitude(10, 21).map((length) => "x".repeat(length));

/** Big bodies: long strings (to ~2 MB), thousands of values or members or operations, over 16 MB rarely. */
export function hugeBody(endpointBody: string): fc.Arbitrary<string> {
	const many = magnitude(7, 15);
	const byEndpoint: Record<string, fc.Arbitrary<string>> = {
		user: fc.oneof(
			{
				weight: 10,
				arbitrary: fc
					.tuple(
						validUser,
						fc.constantFrom(...userTargets.filter((target) => target.def.type !== "complex")),
						longString,
					)
					.map(([user, target, text]) => {
						const body: Record<string, unknown> = structuredClone(user);
						placeValue(body, target, target.def.multiValued ? [text] : text);
						return JSON.stringify(body);
					}),
			},
			{
				weight: 10,
				arbitrary: fc
					.tuple(
						validUser,
						many,
						fc.constantFrom("emails", "phoneNumbers", "roles", "entitlements", "addresses"),
					)
					.map(([user, count, name]) =>
						JSON.stringify({
							...user,
							[name]: Array.from({ length: count }, (_, i) => ({
								value: `v${i}@example.test`,
								type: "work",
							})),
						}),
					),
			},
			{
				weight: 10,
				arbitrary: fc.tuple(validUser, many).map(([user, count]) =>
					JSON.stringify({
						...user,
						...Object.fromEntries(Array.from({ length: count }, (_, i) => [`x${i}`, i])),
					}),
				),
			},
			{ weight: 1, arbitrary: fc.constant(0).map(() => `{"userName":"${"y".repeat(17 * 1024 * 1024)}"}`) },
		),
		group: fc.oneof(
			fc
				.tuple(validGroup, longString)
				.map(([group, text]) => JSON.stringify({ ...group, displayName: text })),
			fc.tuple(validGroup, many, fc.boolean()).map(([group, count, fixtures]) =>
				JSON.stringify({
					...group,
					members: Array.from({ length: count }, (_, i) => ({
						value: fixtures ? `@user${i}@` : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
					})),
				}),
			),
		),
		patch: fc.oneof(
			many.map((count) =>
				JSON.stringify({
					schemas: [PATCH_OP_SCHEMA],
					Operations: Array.from({ length: count }, (_, i) => ({
						op: "replace",
						path: "displayName",
						value: `n${i}`,
					})),
				}),
			),
			fc.tuple(many, longString).map(([count, text]) =>
				JSON.stringify({
					schemas: [PATCH_OP_SCHEMA],
					Operations: [
						{
							op: "add",
							path: "members",
							value: Array.from({ length: count }, (_, i) => ({ value: `@user${i}@` })),
						},
						{ op: "replace", path: "displayName", value: text },
					],
				}),
			),
		),
		search: fc.tuple(longString, many).map(([text, count]) =>
			JSON.stringify({
				schemas: [SEARCH_REQUEST_SCHEMA],
				filter: `userName eq "${text}"`,
				attributes: Array.from({ length: count }, (_, i) => `a${i}`),
			}),
		),
		bulk: fc.tuple(magnitude(4, 11), validUser).map(([count, user]) =>
			JSON.stringify({
				schemas: [BULK_REQUEST_SCHEMA],
				Operations: Array.from({ length: count }, (_, i) => ({
					method: "POST",
					path: "/Users",
					bulkId: `b${i}`,
					data: { ...user, userName: `${i}-${user.userName}` },
				})),
			}),
		),
	};
	return byEndpoint[endpointBody] ?? byEndpoint.user ?? fc.constant("{}");
}
