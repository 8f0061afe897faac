import {
	type AttributeDef,
	commonAttributes,
	findSchema,
	GROUP_SCHEMA,
	groupResourceType,
	type ResourceTypeDef,
	USER_SCHEMA,
	userResourceType,
} from "@roster/scim";
import fc from "fast-check";

/** An attribute a body, a PATCH path or a filter can name, derived from the published schemas. */
export interface AttributeTarget {
	resource: ResourceTypeDef["name"];
	/** As a PATCH path or filter writes it: `name.givenName`, `urn:…:User:department`. */
	path: string;
	/** Where the value sits in a resource body: `["name", "givenName"]`, `["urn:…:User", "department"]`. */
	keys: string[];
	def: AttributeDef;
	/** Whether `keys[0]` holds an array of complex values (a sub-attribute of `emails`, `members`). */
	inMultiValued: boolean;
}

function targetsOf(rt: ResourceTypeDef): AttributeTarget[] {
	const schemas = [rt.schema, ...rt.schemaExtensions.map((extension) => extension.schema)];
	const targets: AttributeTarget[] = [];
	for (const urn of schemas) {
		const core = urn === rt.schema;
		const attributes = [...(core ? commonAttributes : []), ...(findSchema(urn)?.attributes ?? [])];
		for (const def of attributes) {
			const path = core ? def.name : `${urn}:${def.name}`;
			const keys = core ? [def.name] : [urn, def.name];
			targets.push({ resource: rt.name, path, keys, def, inMultiValued: false });
			for (const sub of def.subAttributes ?? []) {
				targets.push({
					resource: rt.name,
					path: `${path}.${sub.name}`,
					keys: [...keys, sub.name],
					def: sub,
					inMultiValued: def.multiValued,
				});
			}
		}
	}
	return targets;
}

export const userTargets = targetsOf(userResourceType);
export const groupTargets = targetsOf(groupResourceType);
export const allTargets = [...userTargets, ...groupTargets];

/** Multi-valued complex attributes, the ones value filters (`emails[type eq "work"]`) apply to. */
export const multiValuedTargets = allTargets.filter(
	(target) => target.def.multiValued && target.def.type === "complex",
);

const shortText = fc.string({ maxLength: 12 });

/** A well-typed value for `def`, so a body or PATCH is valid apart from what a case breaks on purpose. */
export function validValue(def: AttributeDef, element = false): fc.Arbitrary<unknown> {
	if (def.multiValued && !element) return fc.array(validValue(def, true), { minLength: 1, maxLength: 3 });
	switch (def.type) {
		case "boolean":
			return fc.boolean();
		case "integer":
			return fc.integer();
		case "decimal":
			return fc.double({ noNaN: true, noDefaultInfinity: true });
		case "dateTime":
			return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
		case "complex": {
			const record: Record<string, fc.Arbitrary<unknown>> = {};
			for (const sub of def.subAttributes ?? []) record[sub.name] = validValue(sub);
			return fc.record(record, { requiredKeys: [] });
		}
		default:
			return def.canonicalValues ? fc.constantFrom(...def.canonicalValues) : shortText;
	}
}

const scalarOfAnyType = fc.oneof(
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	shortText,
	fc.constantFrom("True", "False", "yes", "", "1e999", "2024-13-45T99:99:99Z"),
);

/** A value of the wrong JSON type for `def` (a number for a string, an object for a boolean, …). */
export function wrongValue(def: AttributeDef, element = false): fc.Arbitrary<unknown> {
	if (def.multiValued && !element) {
		return fc.oneof(
			scalarOfAnyType,
			fc.dictionary(shortText, scalarOfAnyType, { maxKeys: 3 }),
			fc.array(wrongValue(def, true), { minLength: 1, maxLength: 3 }),
		);
	}
	switch (def.type) {
		case "boolean":
			return fc.oneof(fc.integer(), shortText, fc.constant({}), fc.constant([true]));
		case "integer":
		case "decimal":
			return fc.oneof(shortText, fc.boolean(), fc.constant([1]));
		case "complex":
			return fc.oneof(
				scalarOfAnyType,
				fc.array(scalarOfAnyType, { maxLength: 3 }),
				fc.record(Object.fromEntries((def.subAttributes ?? []).map((sub) => [sub.name, wrongValue(sub)])), {
					requiredKeys: [],
				}),
			);
		default:
			return fc.oneof(
				fc.integer(),
				fc.double(),
				fc.boolean(),
				fc.array(shortText, { maxLength: 2 }),
				fc.dictionary(shortText, shortText, { maxKeys: 2 }),
			);
	}
}

/** Puts `value` at `target` in `body`, wrapping it in a one-element array under a multi-valued parent. */
export function placeValue(body: Record<string, unknown>, target: AttributeTarget, value: unknown): void {
	let node = body;
	target.keys.forEach((key, depth) => {
		const last = depth === target.keys.length - 1;
		if (last) {
			node[key] = value;
			return;
		}
		const wrapInArray = target.inMultiValued && depth === target.keys.length - 2;
		const child: Record<string, unknown> = {};
		node[key] = wrapInArray ? [child] : child;
		node = child;
	});
}

const uniqueSuffix = fc.string({
	unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
	minLength: 8,
	maxLength: 8,
});

/** A user that would be created as sent, with a random userName so cases rarely collide. */
export const validUser = uniqueSuffix.map((suffix) => ({
	schemas: [USER_SCHEMA],
	userName: `fuzz-${suffix}@example.test`,
	name: { givenName: "Fuzz", familyName: suffix },
	emails: [{ value: `fuzz-${suffix}@example.test`, type: "work", primary: true }],
	active: true,
}));

/** A group that would be created as sent, with two fixture users as members. */
export const validGroup = uniqueSuffix.map((suffix) => ({
	schemas: [GROUP_SCHEMA],
	displayName: `fuzz group ${suffix}`,
	members: [{ value: "@user0@" }, { value: "@user1@" }],
}));

/** A valid body for `resource` with one to three attributes of the wrong type. */
export function wrongTypedResource(resource: ResourceTypeDef["name"]): fc.Arbitrary<Record<string, unknown>> {
	const targets = resource === "User" ? userTargets : groupTargets;
	const base = resource === "User" ? validUser : validGroup;
	const broken = fc
		.constantFrom(...targets)
		.chain((target) => wrongValue(target.def).map((value) => ({ target, value })));
	return fc.tuple(base, fc.array(broken, { minLength: 1, maxLength: 3 })).map(([body, changes]) => {
		const copy: Record<string, unknown> = structuredClone(body);
		for (const { target, value } of changes) placeValue(copy, target, value);
		return copy;
	});
}
