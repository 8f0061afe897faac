import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	ENTERPRISE_USER_SCHEMA,
	groupResourceType,
	normalizeResource,
	project,
	ScimError,
	userResourceType,
} from "../src/index.ts";

const key = fc.oneof(
	fc.constantFrom(
		"userName",
		"USERNAME",
		"name",
		"emails",
		"active",
		"password",
		"id",
		"meta",
		"groups",
		"members",
	),
	fc.constantFrom("displayName", "roles", "name.givenName", ENTERPRISE_USER_SCHEMA, "manager", "schemas"),
	fc.string({ maxLength: 10 }),
);
const attributes = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const named = fc
	.tuple(fc.string({ minLength: 1, maxLength: 8 }), attributes)
	.map(([name, rest]) => ({ userName: `u${name}`, displayName: `g${name}`, ...rest }));
const body = fc.oneof(named, attributes, fc.jsonValue({ maxDepth: 2 }));

describe("normalizeResource properties", () => {
	it("random bodies either normalise to an idempotent canonical form or fail with a 400 ScimError", () => {
		let normalisedCount = 0;
		fc.assert(
			fc.property(body, fc.constantFrom(userResourceType, groupResourceType), (raw, rt) => {
				let normalised: ReturnType<typeof normalizeResource>;
				try {
					normalised = normalizeResource(raw, rt);
				} catch (error) {
					expect(error).toBeInstanceOf(ScimError);
					expect((error as ScimError).status).toBe(400);
					return;
				}
				normalisedCount++;
				expect(normalised.resource).not.toHaveProperty("password");
				expect(normalizeResource(normalised.resource, rt).resource).toEqual(normalised.resource);
				expect(project(normalised.resource, rt)).toEqual(normalised.resource);
			}),
			{ numRuns: 1500 },
		);
		expect(normalisedCount).toBeGreaterThan(100);
	});
});
