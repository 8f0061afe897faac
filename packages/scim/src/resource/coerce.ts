import { ScimError } from "../errors.ts";
import { maxLengthOf, maxValuesOf } from "../limits.ts";
import { findAttribute } from "../schemas/resource-types.ts";
import type { AttributeDef } from "../schemas/types.ts";
import { canonicalJson, isJsonObject, type JsonObject } from "./json.ts";

const BOOLEAN_TEXT = /^(true|false)$/i;
const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function invalid(label: string, expected: string): ScimError {
	return new ScimError(400, "invalidValue", `Attribute "${label}" must be ${expected}.`);
}

/**
 * Rejects any string holding U+0000 anywhere in a value, keys included: PostgreSQL text cannot store it, and
 * finding it before the database does keeps such input a 400 rather than a 500.
 */
export function assertNoNul(value: unknown, label: string): void {
	if (typeof value === "string") {
		if (value.includes("\u0000")) throw invalid(label, "free of NUL characters");
	} else if (Array.isArray(value)) {
		for (const item of value) assertNoNul(item, label);
	} else if (isJsonObject(value)) {
		for (const [key, item] of Object.entries(value)) {
			assertNoNul(key, label);
			assertNoNul(item, `${label}.${key}`);
		}
	}
}

function coerceScalar(def: AttributeDef, value: unknown, label: string): unknown {
	if (typeof value === "string" && value.length > maxLengthOf(label)) {
		throw invalid(label, `at most ${maxLengthOf(label)} characters long`);
	}
	switch (def.type) {
		case "boolean":
			if (typeof value === "boolean") return value;
			if (typeof value === "string" && BOOLEAN_TEXT.test(value)) return value.toLowerCase() === "true";
			throw invalid(label, "a boolean");
		case "integer":
			if (typeof value === "number" && Number.isInteger(value)) return value;
			if (typeof value === "string" && INTEGER_TEXT.test(value)) return Number(value);
			throw invalid(label, "an integer");
		case "decimal":
			if (typeof value === "number" && Number.isFinite(value)) return value;
			if (typeof value === "string" && DECIMAL_TEXT.test(value)) return Number(value);
			throw invalid(label, "a number");
		case "dateTime":
			if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return value;
			throw invalid(label, "an xsd:dateTime string");
		default:
			if (typeof value === "string") return value;
			throw invalid(label, "a string");
	}
}

function coerceComplex(def: AttributeDef, value: unknown, label: string): JsonObject | undefined {
	const subAttributes = def.subAttributes ?? [];
	if (typeof value === "string" && findAttribute(subAttributes, "value")) {
		return coerceComplex(def, { value }, label);
	}
	if (Array.isArray(value) && !def.multiValued) {
		if (value.length > 1) throw invalid(label, "a single complex value");
		return value.length === 0 ? undefined : coerceComplex(def, value[0], label);
	}
	if (!isJsonObject(value)) throw invalid(label, "a complex value");
	const result: JsonObject = {};
	for (const [key, item] of Object.entries(value)) {
		const sub = findAttribute(subAttributes, key);
		if (!sub || sub.mutability === "readOnly") continue;
		const coerced = coerceAttribute(sub, item, `${label}.${sub.name}`);
		if (coerced !== undefined) result[sub.name] = coerced;
	}
	return Object.keys(result).length === 0 ? undefined : result;
}

function coerceSingle(def: AttributeDef, value: unknown, label: string): unknown {
	if (value === null || value === undefined) return undefined;
	return def.type === "complex" ? coerceComplex(def, value, label) : coerceScalar(def, value, label);
}

/**
 * Turns a client-sent value into the canonical value of `def`, or `undefined` when it carries nothing
 * (`null`, `{}`, `[]`). Lenient where IdPs differ and meaning is clear: "True"/"False" for booleans, a bare
 * string for a complex attribute with a `value` (Entra's manager, Okta's role strings), a single object for a
 * multi-valued complex attribute, sub-attribute names in any case, unknown and readOnly sub-attributes dropped.
 * A value of the wrong type is a 400 invalidValue.
 */
export function coerceAttribute(def: AttributeDef, value: unknown, label: string = def.name): unknown {
	if (value === null || value === undefined) return undefined;
	if (!def.multiValued) return coerceSingle(def, value, label);
	let items: unknown[];
	if (Array.isArray(value)) items = value;
	else if (def.type === "complex" ? isJsonObject(value) : typeof value !== "object") items = [value];
	else throw invalid(label, "a list");
	if (items.length > maxValuesOf(def)) throw invalid(label, `a list of at most ${maxValuesOf(def)} values`);
	const result: unknown[] = [];
	const seen = new Set<string>();
	for (const item of items) {
		if (def.type === "complex" && !isJsonObject(item) && typeof item !== "string" && item !== null) {
			throw invalid(label, "a list of complex values");
		}
		const coerced = coerceSingle(def, item, label);
		if (coerced === undefined) continue;
		const key = canonicalJson(coerced);
		if (seen.has(key)) continue;
		seen.add(key);
		result.push(coerced);
	}
	return result.length === 0 ? undefined : result;
}
