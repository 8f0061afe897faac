import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	ENTERPRISE_USER_SCHEMA,
	groupResourceType,
	type JsonObject,
	project,
	userResourceType,
} from "../src/index.ts";

const key = fc.oneof(
	fc.constantFrom(
		"schemas",
		"id",
		"userName",
		"USERNAME",
		"name",
		"emails",
		"password",
		"groups",
		"members",
		"displayName",
		"meta",
		"active",
		"roles",
		"x509Certificates",
		ENTERPRISE_USER_SCHEMA,
		ENTERPRISE_USER_SCHEMA.toUpperCase(),
	),
	fc.string({ maxLength: 8 }),
);
const value = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	fc.constant({}),
	fc.constant([]),
	fc.constant([{}, { value: "a" }]),
	fc.dictionary(
		fc.constantFrom("value", "display", "type", "primary", "$ref", "manager"),
		fc.jsonValue({ maxDepth: 1 }),
	),
);
const resource = fc.dictionary(key, value, { maxKeys: 10 }) as fc.Arbitrary<JsonObject>;

/**
 * The default projection (no `attributes`, no `excludedAttributes`: nearly every IdP request) takes a
 * shortcut that keeps values whole; it must shape every resource exactly as the general path does. The
 * general path is forced by excluding an attribute no generated resource carries.
 */
describe("project without attributes or excludedAttributes", () => {
	it("gives what the general path gives, for any stored resource", () => {
		fc.assert(
			fc.property(resource, fc.constantFrom(userResourceType, groupResourceType), (raw, rt) => {
				const general = project(raw, rt, {
					excludedAttributes: rt === userResourceType ? "nickName" : "externalId",
				});
				const candidate = { ...raw };
				delete candidate[rt === userResourceType ? "nickName" : "externalId"];
				expect(project(candidate, rt)).toEqual(general);
			}),
			{ numRuns: 2000 },
		);
	});
});
