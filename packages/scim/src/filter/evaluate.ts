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

/** What a filter reads: the values a path denotes, and the elements a value filter iterates over. */
interface Scope {
	values(target: ResolvedAttribute): unknown[];
	elements(target: ResolvedAttribute): unknown[];
}

/** A whole resource: one value per element for multi-valued attributes, so a match on ANY suffices. */
function resourceScope(resource: unknown, rt: ResourceTypeDef): Scope {
	const elements = (target: ResolvedAttribute): unknown[] => {
		const container = target.schema === rt.schema ? resource : getKey(resource, target.schema);
		const raw = getKey(container, target.attribute.name);
		if (!target.attribute.multiValued) return [raw];
		return Array.isArray(raw) ? raw : [];
	};
	return {
		elements,
		values(target) {
			const sub = target.subAttribute;
			return sub ? elements(target).map((element) => getKey(element, sub.name)) : elements(target);
		},
	};
}

/** One element of a complex attribute, the scope of the filter inside `attr[…]`. */
function elementScope(element: unknown): Scope {
	return { values: (target) => [getKey(element, target.subAttribute?.name ?? "")], elements: () => [] };
}

function evaluateBound(filter: BoundFilter, scope: Scope): boolean {
	switch (filter.kind) {
		case "and":
			return evaluateBound(filter.left, scope) && evaluateBound(filter.right, scope);
		case "or":
			return evaluateBound(filter.left, scope) || evaluateBound(filter.right, scope);
		case "not":
			return !evaluateBound(filter.filter, scope);
		case "present":
			return scope.values(filter.target).some(isPresent);
		case "compare":
			return scope
				.values(filter.target)
				.some((value) => matchesValue(value, filter.op, filter.literal, filter.caseExact));
		case "valuePath":
			return scope
				.elements(filter.target)
				.some((element) => evaluateBound(filter.filter, elementScope(element)));
	}
}

/**
 * Turns a filter into a predicate over SCIM resources (as JSON) with RFC 7644 semantics: names
 * case-insensitive, strings case-insensitive unless the schema says caseExact, a multi-valued attribute
 * matches when any value does, dateTimes compared as instants. `ne` and `eq null` follow
 * docs/decisions/0030, exactly as `compileFilter` does in SQL. The filter is checked against the schema once,
 * here: `ScimError(400, "invalidFilter")` when it does not fit.
 */
export function createFilterPredicate(
	node: FilterNode,
	rt: ResourceTypeDef,
): (resource: Record<string, unknown>) => boolean {
	const bound = bindFilter(node, rt);
	return (resource) => evaluateBound(bound, resourceScope(resource, rt));
}

/** Tests one resource against a filter; see `createFilterPredicate` for the semantics and errors. */
export function evaluateFilter(
	node: FilterNode,
	resource: Record<string, unknown>,
	rt: ResourceTypeDef,
): boolean {
	return createFilterPredicate(node, rt)(resource);
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
	return createElementPredicate(node, target)(element);
}

/**
 * The element test of `evaluateElementFilter`, bound once against the resolved `parent`, so a filter that
 * does not fit the attribute is a `ScimError(400, "invalidFilter")` even when no element is ever tested.
 */
export function createElementPredicate(
	node: FilterNode,
	parent: ResolvedAttribute,
): (element: unknown) => boolean {
	const bound = bindElementFilter(node, parent);
	return (element) => evaluateBound(bound, elementScope(element));
}
