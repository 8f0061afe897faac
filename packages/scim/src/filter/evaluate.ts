import { ScimError } from "../errors.ts";
import { resolveAttribute } from "../schemas/resolve.ts";
import type { ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import type { AttrPath, FilterNode } from "./ast.ts";
import { type BoundFilter, type BoundLiteral, type BoundOp, bindElementFilter, bindFilter } from "./bind.ts";
import { compareInstants, parseInstant } from "./datetime.ts";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a key the way SCIM names attributes: case-insensitively. */
function getKey(container: unknown, name: string): unknown {
	if (!isObject(container)) return undefined;
	if (name in container) return container[name];
	const wanted = name.toLowerCase();
	const key = Object.keys(container).find((candidate) => candidate.toLowerCase() === wanted);
	return key === undefined ? undefined : container[key];
}

/** RFC 7644 §3.4.2.2 `pr`: not null, not an empty string, array or object. */
export function isPresent(value: unknown): boolean {
	if (value === null || value === undefined || value === "") return false;
	if (Array.isArray(value)) return value.length > 0;
	if (isObject(value)) return Object.keys(value).length > 0;
	return true;
}

function compareCodePoints(a: string, b: string): number {
	const left = Array.from(a, (char) => char.codePointAt(0) ?? 0);
	const right = Array.from(b, (char) => char.codePointAt(0) ?? 0);
	for (let index = 0; index < Math.min(left.length, right.length); index++) {
		const difference = (left[index] ?? 0) - (right[index] ?? 0);
		if (difference !== 0) return difference;
	}
	return left.length - right.length;
}

function ordered(op: BoundOp, difference: number): boolean {
	if (op === "eq") return difference === 0;
	if (op === "gt") return difference > 0;
	if (op === "ge") return difference >= 0;
	if (op === "lt") return difference < 0;
	return difference <= 0;
}

function matchesString(actual: string, op: BoundOp, expected: string, caseExact: boolean): boolean {
	const left = caseExact ? actual : actual.toLowerCase();
	const right = caseExact ? expected : expected.toLowerCase();
	if (op === "co") return left.includes(right);
	if (op === "sw") return left.startsWith(right);
	if (op === "ew") return left.endsWith(right);
	return ordered(op, compareCodePoints(left, right));
}

/** Compares one stored value; a value of another JSON type than the attribute's never matches. */
function matchesValue(actual: unknown, op: BoundOp, literal: BoundLiteral, caseExact: boolean): boolean {
	switch (literal.type) {
		case "string":
			return typeof actual === "string" && matchesString(actual, op, literal.value, caseExact);
		case "boolean":
			return actual === literal.value;
		case "number":
			return typeof actual === "number" && ordered(op, actual - literal.value);
		case "dateTime": {
			const instant = typeof actual === "string" ? parseInstant(actual) : undefined;
			return instant !== undefined && ordered(op, compareInstants(instant, literal.instant));
		}
	}
}

/** Where an attribute's value lives: extension attributes under their schema URN, the rest at the top. */
function attributeValue(resource: unknown, target: ResolvedAttribute, rt: ResourceTypeDef): unknown {
	const container = target.schema === rt.schema ? resource : getKey(resource, target.schema);
	return getKey(container, target.attribute.name);
}

/** Every value a path denotes: one per element for multi-valued attributes, so a match on ANY suffices. */
function candidates(resource: unknown, target: ResolvedAttribute, rt: ResourceTypeDef): unknown[] {
	const raw = attributeValue(resource, target, rt);
	const values = target.attribute.multiValued ? (Array.isArray(raw) ? raw : []) : [raw];
	const sub = target.subAttribute;
	return sub ? values.map((element) => getKey(element, sub.name)) : values;
}

function evaluateBound(
	filter: BoundFilter,
	lookup: (target: ResolvedAttribute) => unknown[],
	elements: (target: ResolvedAttribute) => unknown[],
): boolean {
	switch (filter.kind) {
		case "and":
			return evaluateBound(filter.left, lookup, elements) && evaluateBound(filter.right, lookup, elements);
		case "or":
			return evaluateBound(filter.left, lookup, elements) || evaluateBound(filter.right, lookup, elements);
		case "not":
			return !evaluateBound(filter.filter, lookup, elements);
		case "present":
			return lookup(filter.target).some(isPresent);
		case "compare":
			return lookup(filter.target).some((value) =>
				matchesValue(value, filter.op, filter.literal, filter.caseExact),
			);
		case "valuePath":
			return elements(filter.target).some((element) =>
				evaluateBound(filter.filter, elementLookup(element), elements),
			);
	}
}

function elementLookup(element: unknown): (target: ResolvedAttribute) => unknown[] {
	return (target) => [getKey(element, target.subAttribute?.name ?? "")];
}

/**
 * Tests a SCIM resource (as JSON) against a filter with RFC 7644 semantics: names case-insensitive, strings
 * case-insensitive unless the schema says caseExact, a multi-valued attribute matches when any value does,
 * dateTimes compared as instants. `ne` and `eq null` follow docs/decisions/0030, exactly as `compileFilter`
 * does in SQL. Throws `ScimError(400, "invalidFilter")` for filters that do not fit the schema.
 */
export function evaluateFilter(
	node: FilterNode,
	resource: Record<string, unknown>,
	rt: ResourceTypeDef,
): boolean {
	const bound = bindFilter(node, rt);
	const lookup = (target: ResolvedAttribute) => candidates(resource, target, rt);
	const elements = (target: ResolvedAttribute) => {
		const raw = attributeValue(resource, target, rt);
		return target.attribute.multiValued ? (Array.isArray(raw) ? raw : []) : [raw];
	};
	return evaluateBound(bound, lookup, elements);
}

/**
 * Tests one element of a multi-valued complex attribute against the filter written inside its brackets, for
 * PATCH paths such as `emails[type eq "work"].value`: `parent` is that attribute (`{ attr: "emails" }`).
 */
export function evaluateElementFilter(
	node: FilterNode,
	element: unknown,
	rt: ResourceTypeDef,
	parent: AttrPath,
): boolean {
	const target = resolveAttribute(rt, parent);
	if (!target) throw new ScimError(400, "invalidFilter", `Unknown attribute "${parent.attr}" in filter`);
	const bound = bindElementFilter(node, target);
	return evaluateBound(bound, elementLookup(element), () => []);
}
