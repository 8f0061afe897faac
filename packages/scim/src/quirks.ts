import { getCi, isJsonObject, type JsonObject } from "./resource/json.ts";
import { roleAttributes } from "./schemas/role-attributes.ts";

/**
 * Deviations from RFC 7643/7644 that Roster accepts because real IdPs send them. The provisioning log names
 * the ones each request relied on, so an operator can see which client behaviour a connection depends on.
 */
export type Quirk =
	| "patch-op-not-lowercase"
	| "patch-empty-operations"
	| "patch-pathless-dotted-keys"
	| "patch-pathless-id"
	| "members-remove-value-list"
	| "string-boolean"
	| "complex-as-string"
	| "role-json-in-string";

const BOOLEAN_KEYS = new Set(["active", "primary"]);
const COMPLEX_WITH_VALUE_KEYS = new Set(["manager", "roles", "entitlements", "emails", "members", "groups"]);
const ROLE_KEYS: ReadonlySet<string> = new Set(roleAttributes);

function scanValue(value: unknown, key: string | undefined, found: Set<Quirk>): void {
	const name = key?.toLowerCase() ?? "";
	if (typeof value === "string") {
		if (BOOLEAN_KEYS.has(name) && /^(true|false)$/i.test(value)) found.add("string-boolean");
		if (COMPLEX_WITH_VALUE_KEYS.has(name)) found.add("complex-as-string");
		return;
	}
	if (Array.isArray(value)) {
		for (const item of value) {
			if (ROLE_KEYS.has(name)) scanRole(item, found);
			scanValue(item, key, found);
		}
		return;
	}
	if (isJsonObject(value)) {
		for (const [inner, item] of Object.entries(value)) scanValue(item, inner, found);
	}
}

function scanRole(item: unknown, found: Set<Quirk>): void {
	const text = isJsonObject(item) ? getCi(item, "value") : item;
	if (typeof text === "string" && text.trimStart().startsWith("{")) found.add("role-json-in-string");
}

function scanOperation(operation: JsonObject, found: Set<Quirk>): void {
	const op = getCi(operation, "op");
	if (typeof op === "string" && op !== op.toLowerCase()) found.add("patch-op-not-lowercase");
	const path = getCi(operation, "path");
	const value = getCi(operation, "value");
	if (typeof path === "string" && path.trim() !== "") {
		const trimmed = path.trim();
		const unqualified = trimmed.toLowerCase().startsWith("urn:")
			? trimmed.slice(trimmed.lastIndexOf(":") + 1)
			: trimmed;
		const attribute = unqualified.split(/[.[]/, 1)[0] ?? "";
		if (
			typeof op === "string" &&
			op.toLowerCase() === "remove" &&
			attribute.toLowerCase() === "members" &&
			Array.isArray(value)
		) {
			found.add("members-remove-value-list");
		}
		scanValue(value, attribute, found);
		return;
	}
	if (isJsonObject(value)) {
		if (Object.keys(value).some((k) => k.includes(".") && !k.startsWith("urn:")))
			found.add("patch-pathless-dotted-keys");
		if (getCi(value, "id") !== undefined) found.add("patch-pathless-id");
		scanValue(value, undefined, found);
	}
}

/**
 * Names the accepted deviations a request body relies on: PATCH bodies (`Operations` present) are read
 * operation by operation, resource bodies (POST/PUT) value by value. Never throws; unknown shapes yield none.
 */
export function detectQuirks(body: unknown): Quirk[] {
	if (!isJsonObject(body)) return [];
	const found = new Set<Quirk>();
	const operations = getCi(body, "Operations");
	if (Array.isArray(operations)) {
		const schemas = getCi(body, "schemas");
		const isPatch =
			Array.isArray(schemas) && schemas.some((s) => typeof s === "string" && s.endsWith(":PatchOp"));
		if (!isPatch) return [];
		if (operations.length === 0) found.add("patch-empty-operations");
		for (const operation of operations) if (isJsonObject(operation)) scanOperation(operation, found);
	} else {
		scanValue(body, undefined, found);
	}
	return [...found].sort();
}
