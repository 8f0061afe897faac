/** A SCIM resource or complex value as plain JSON: the only shape the PATCH engine and normaliser work on. */
export type JsonObject = Record<string, unknown>;

/** A plain JSON object (not an array, not null); everything else is a scalar or a list to SCIM. */
export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The key of `object` that spells `name` in any case: stored resources and clients disagree on case. */
export function findKey(object: JsonObject, name: string): string | undefined {
	if (Object.hasOwn(object, name)) return name;
	const wanted = name.toLowerCase();
	return Object.keys(object).find((key) => key.toLowerCase() === wanted);
}

/** Reads `name` case-insensitively. */
export function getCi(object: JsonObject, name: string): unknown {
	const key = findKey(object, name);
	return key === undefined ? undefined : object[key];
}

/** Removes every spelling of `name`, so a later write leaves exactly one key. */
export function deleteCi(object: JsonObject, name: string): void {
	const wanted = name.toLowerCase();
	for (const key of Object.keys(object)) if (key.toLowerCase() === wanted) delete object[key];
}

/** Writes `value` under the canonical `name`, replacing any other spelling of it. */
export function setCanonical(object: JsonObject, name: string, value: unknown): void {
	deleteCi(object, name);
	object[name] = value;
}

/** Structural equality of JSON values, used to skip exact duplicates in multi-valued attributes. */
export function jsonEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a)) {
		return Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
	}
	if (isJsonObject(a) && isJsonObject(b)) {
		const keys = Object.keys(a);
		return (
			keys.length === Object.keys(b).length &&
			keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
		);
	}
	return false;
}

function sortedKeys(_key: string, value: unknown): unknown {
	if (!isJsonObject(value)) return value;
	const sorted: JsonObject = Object.create(null);
	for (const key of Object.keys(value).sort()) sorted[key] = value[key];
	return sorted;
}

/**
 * A JSON text that is the same for exactly the values `jsonEqual` calls equal (object keys sorted), so
 * duplicates in a list are found with a Set in linear time instead of comparing every pair.
 */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, sortedKeys) ?? "undefined";
}
