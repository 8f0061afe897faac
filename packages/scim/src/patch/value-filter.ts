import { ScimError } from "../errors.ts";
import type { CompareOp, FilterNode, FilterValue } from "../filter/ast.ts";
import { coerceAttribute } from "../resource/coerce.ts";
import { getCi, isJsonObject, type JsonObject } from "../resource/json.ts";
import { findAttribute } from "../schemas/resource-types.ts";
import type { AttributeDef } from "../schemas/types.ts";

function normalised(
	actual: unknown,
	expected: FilterValue,
	sub: AttributeDef | undefined,
): [unknown, FilterValue] {
	if (typeof actual === "boolean" && typeof expected === "string" && /^(true|false)$/i.test(expected)) {
		return [actual, expected.toLowerCase() === "true"];
	}
	if (typeof actual === "string" && typeof expected === "string" && !sub?.caseExact) {
		return [actual.toLowerCase(), expected.toLowerCase()];
	}
	return [actual, expected];
}

function compare(
	actual: unknown,
	op: CompareOp,
	expected: FilterValue,
	sub: AttributeDef | undefined,
): boolean {
	const [left, right] = normalised(actual, expected, sub);
	if (op === "eq") return left === right || (right === null && left === undefined);
	if (op === "ne") return !compare(actual, "eq", expected, sub);
	if (typeof left === "string" && typeof right === "string") {
		if (op === "co") return left.includes(right);
		if (op === "sw") return left.startsWith(right);
		if (op === "ew") return left.endsWith(right);
	}
	const bothStrings = typeof left === "string" && typeof right === "string";
	const bothNumbers = typeof left === "number" && typeof right === "number";
	if (!bothStrings && !bothNumbers) return false;
	const [a, b] = [left as string | number, right as string | number];
	if (op === "gt") return a > b;
	if (op === "ge") return a >= b;
	if (op === "lt") return a < b;
	if (op === "le") return a <= b;
	return false;
}

function isPresent(value: unknown): boolean {
	if (value === undefined || value === null || value === "") return false;
	return !Array.isArray(value) || value.length > 0;
}

/**
 * Whether one element of a multi-valued attribute (or the value of a single complex one, as in Entra's
 * `manager[value eq "…"]`) satisfies a PATCH value filter. Filter paths name sub-attributes of `parent`,
 * in any case; strings compare case-insensitively unless the sub-attribute is caseExact.
 */
export function matchesElement(filter: FilterNode, element: unknown, parent: AttributeDef): boolean {
	switch (filter.kind) {
		case "and":
			return matchesElement(filter.left, element, parent) && matchesElement(filter.right, element, parent);
		case "or":
			return matchesElement(filter.left, element, parent) || matchesElement(filter.right, element, parent);
		case "not":
			return !matchesElement(filter.filter, element, parent);
		case "valuePath":
			throw new ScimError(400, "invalidFilter", "A PATCH value filter cannot contain another value filter.");
		default: {
			if (!isJsonObject(element) || filter.path.uri !== undefined || filter.path.sub !== undefined)
				return false;
			const actual = getCi(element, filter.path.attr);
			if (filter.kind === "present") return isPresent(actual);
			return compare(
				actual,
				filter.op,
				filter.value,
				findAttribute(parent.subAttributes ?? [], filter.path.attr),
			);
		}
	}
}

/**
 * The element a filtered `add`/`replace` creates when nothing matches (`emails[type eq "work"].value` on a
 * user without a work email): the `eq` comparisons joined by `and`, as canonical sub-attribute values.
 */
export function elementFromFilter(filter: FilterNode, parent: AttributeDef): JsonObject {
	if (filter.kind === "and") {
		return { ...elementFromFilter(filter.left, parent), ...elementFromFilter(filter.right, parent) };
	}
	if (
		filter.kind !== "compare" ||
		filter.op !== "eq" ||
		filter.path.uri !== undefined ||
		filter.path.sub !== undefined
	) {
		return {};
	}
	const sub = findAttribute(parent.subAttributes ?? [], filter.path.attr);
	if (!sub || sub.mutability === "readOnly") return {};
	const value = coerceAttribute(sub, filter.value, `${parent.name}.${sub.name}`);
	return value === undefined ? {} : { [sub.name]: value };
}
