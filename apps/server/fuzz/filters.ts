import fc from "fast-check";
import { type AttributeTarget, allTargets, multiValuedTargets } from "./attributes.ts";

const COMPARISONS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;

const quoted = fc
	.oneof(
		fc.string({ maxLength: 10 }),
		fc.constantFrom("work", "@user0@", "2015-10-10T14:38:21.8617979-07:00", 'with "quote"', "back\\slash"),
	)
	.map((text) => JSON.stringify(text));

const comparisonValue = fc.oneof(
	{ weight: 4, arbitrary: quoted },
	fc.integer().map(String),
	fc.constantFrom("true", "false", "null", "1.5e3", "-0"),
);

const caseVariant = (text: string) => fc.constantFrom(text, text.toLowerCase(), text.toUpperCase());

function attributeExpression(targets: readonly AttributeTarget[]): fc.Arbitrary<string> {
	const path = fc.constantFrom(...targets.map((target) => target.path)).chain(caseVariant);
	return fc.oneof(
		path.map((p) => `${p} pr`),
		fc
			.tuple(path, fc.constantFrom(...COMPARISONS).chain(caseVariant), comparisonValue)
			.map(([p, op, value]) => `${p} ${op} ${value}`),
	);
}

const plainTargets = allTargets.filter((target) => target.def.type !== "complex" || !target.def.multiValued);

/** Filters RFC 7644 §3.4.2.2 accepts: comparisons, `pr`, `and`/`or`/`not`, grouping and value paths. */
export const validFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
	filter: fc.oneof(
		{ depthSize: "small", withCrossShrink: true },
		{ weight: 4, arbitrary: attributeExpression(plainTargets) },
		fc
			.constantFrom(...multiValuedTargets)
			.chain((parent) =>
				attributeExpression(
					(parent.def.subAttributes ?? []).map((sub) => ({ ...parent, path: sub.name, def: sub })),
				).map((inner) => `${parent.path}[${inner}]`),
			),
		fc
			.tuple(tie("filter"), fc.constantFrom("and", "or", "AND", "Or"), tie("filter"))
			.map(([a, op, b]) => `${a} ${op} ${b}`),
		tie("filter").map((inner) => `not (${inner})`),
		tie("filter").map((inner) => `(${inner})`),
	),
})).filter;

/** Ways to break a filter: each yields text the parser must refuse with a 400 (or accept), never a 500. */
const mutations: fc.Arbitrary<(filter: string) => string>[] = [
	fc.constant((filter) => filter.replace(/"/, "")),
	fc.constant((filter) => filter.replaceAll('"', "")),
	fc.constant((filter) => `(${filter}`),
	fc.constant((filter) => `${filter})`),
	fc.constant((filter) => filter.replace("[", "")),
	fc.constant((filter) => filter.replace("]", "]]")),
	fc
		.integer({ min: 50, max: 5000 })
		.map((depth) => (filter: string) => `${"(".repeat(depth)}${filter}${")".repeat(depth)}`),
	fc
		.integer({ min: 50, max: 3000 })
		.map((depth) => (filter: string) => `${"not (".repeat(depth)}${filter}${")".repeat(depth)}`),
	fc
		.integer({ min: 20, max: 500 })
		.map((count) => (filter: string) => Array(count).fill(filter).join(" and ")),
	fc
		.constantFrom("==", "like", "eqq", "in", "~", "pr pr", "", "gt=", "EQ EQ")
		.map((op) => (filter: string) => filter.replace(/ (eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/i, ` ${op}`)),
	fc
		.integer({ min: 1_000, max: 200_000 })
		.map((length) => (filter: string) => `${filter} or userName eq "${"v".repeat(length)}"`),
	fc.nat().map((cut) => (filter: string) => filter.slice(0, cut % (filter.length + 1))),
	fc
		.tuple(fc.nat(), fc.constantFrom("\u0000", "\\", '"', "[", "(", ".", ":", "\ud800", "😀", "%", " "))
		.map(([at, char]) => (filter: string) => {
			const index = at % (filter.length + 1);
			return filter.slice(0, index) + char + filter.slice(index);
		}),
	fc
		.constantFrom("and", "or", "not", "()", "[]", "userName", "userName eq", '"x"', " ")
		.map((text) => () => text),
	fc.constant((filter) => filter.replace(/\./, ":").replace(/ /, "")),
	fc.constant((filter) => `urn:ietf:params:scim:schemas:core:2.0:User:${filter}`),
];

/** A grammar-valid filter, half the time passed through one mutation. */
export const mutatedFilter: fc.Arbitrary<string> = fc.oneof(
	validFilter,
	fc.tuple(validFilter, fc.oneof(...mutations)).map(([filter, mutate]) => mutate(filter)),
);
