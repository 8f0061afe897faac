import { ScimError } from "../errors.ts";
import type { AttrPath } from "./ast.ts";

const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const URN_PREFIX = /^urn:/i;

/**
 * Splits `[urn:…:]attr[.sub]` into an AttrPath, or returns a reason it is not one. The URN ends at the last
 * colon, because schema URNs themselves contain dots (`…:2.0:User`) but attribute names never contain colons.
 */
export function splitAttrPath(text: string): AttrPath | string {
	let uri: string | undefined;
	let rest = text;
	if (URN_PREFIX.test(text)) {
		const colon = text.lastIndexOf(":");
		uri = text.slice(0, colon);
		rest = text.slice(colon + 1);
		if (uri.length <= "urn:".length) return `"${text}" is a URN without an attribute name`;
	}
	const parts = rest.split(".");
	if (parts.length > 2) return `"${text}" has more than one sub-attribute level`;
	const [attr = "", sub] = parts;
	if (!ATTR_NAME.test(attr)) return `"${attr}" is not a valid attribute name`;
	if (sub !== undefined && !ATTR_NAME.test(sub)) return `"${sub}" is not a valid sub-attribute name`;
	return { ...(uri ? { uri } : {}), attr, ...(sub !== undefined ? { sub } : {}) };
}

/**
 * Parses one attribute path as written in `attributes=`, `excludedAttributes=` or `sortBy=`
 * (`name.givenName`, `urn:…:enterprise:2.0:User:manager.value`). Bad paths are a client error, never a 500.
 */
export function parseAttrPath(text: string): AttrPath {
	const result = splitAttrPath(text.trim());
	if (typeof result === "string") throw new ScimError(400, "invalidPath", result);
	return result;
}

/**
 * Splits a comma-separated `attributes=` / `excludedAttributes=` list into trimmed entries, skipping empty
 * ones. Commas inside a value filter (`emails[value co ","]`) do not split, so each entry keeps its brackets.
 */
export function splitAttributeList(text: string): string[] {
	const entries: string[] = [];
	let start = 0;
	let depth = 0;
	let quoted = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (quoted) {
			if (char === "\\") index++;
			else if (char === '"') quoted = false;
		} else if (char === '"') quoted = true;
		else if (char === "[") depth++;
		else if (char === "]") depth = Math.max(depth - 1, 0);
		else if (char === "," && depth === 0) {
			entries.push(text.slice(start, index));
			start = index + 1;
		}
	}
	entries.push(text.slice(start));
	return entries.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}
