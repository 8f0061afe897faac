import { schemaDefs } from "./resource-types.ts";
import type { AttributeDef } from "./types.ts";

/**
 * RFC 7643 §2.2: a `writeOnly` attribute (password) is set but never read back, and a `returned: never`
 * one never leaves the server; both are secrets that no log, export or stored body may keep.
 */
export function isSecretAttribute(attribute: AttributeDef): boolean {
	return attribute.mutability === "writeOnly" || attribute.returned === "never";
}

function secretNamesIn(attributes: readonly AttributeDef[], into: Set<string>): Set<string> {
	for (const attribute of attributes) {
		if (isSecretAttribute(attribute)) into.add(attribute.name.toLowerCase());
		secretNamesIn(attribute.subAttributes ?? [], into);
	}
	return into;
}

/**
 * The lower-cased names of every secret attribute and sub-attribute of every schema Roster serves, read
 * from the schema definitions so a new secret attribute is covered the moment it is defined.
 */
export const secretAttributeNames: ReadonlySet<string> = schemaDefs.reduce(
	(names, schema) => secretNamesIn(schema.attributes, names),
	new Set<string>(),
);

const VALUE_FILTER = /\[[^\]]*\]?/g;
const NAME_SEPARATOR = /[:.]/;

/**
 * Whether a client-written attribute path or JSON key names a secret attribute: `password`, `PASSWORD`,
 * `urn:…:core:2.0:User:password`, `password[…]`, a dotted `….password`, even `password:`. Judged by any
 * name in it, across every schema, with no resource type and no well-formedness required: a body is
 * redacted whether or not the server understood it, and a secret in a malformed path or under the wrong
 * resource is still a secret.
 */
export function isSecretAttributePath(path: string): boolean {
	const withoutFilters = path.includes("[") ? path.replace(VALUE_FILTER, "") : path;
	for (const name of withoutFilters.split(NAME_SEPARATOR)) {
		if (secretAttributeNames.has(name.trim().toLowerCase())) return true;
	}
	return false;
}
