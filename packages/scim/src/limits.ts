import { roleAttributes } from "./schemas/role-attributes.ts";
import type { AttributeDef } from "./schemas/types.ts";

/**
 * Bounds on what one SCIM request may carry, checked before any work that grows faster than the input, so a
 * hostile body costs about as much as a normal one. Each sits far above what a real IdP sends (see
 * docs/decisions/0120-input-bounds.md); the server advertises them in `/ServiceProviderConfig`.
 */
export const INPUT_LIMITS = {
	/** Nesting of objects and arrays in a JSON body; SCIM's deepest legitimate shape (Bulk → PATCH) is ~10. */
	maxDepth: 32,
	/** Characters in any string value. */
	maxStringLength: 65_536,
	/** Characters in a string that identifies or is indexed (`userName`, `externalId`, `displayName`, `emails.value`). */
	maxIdentifierLength: 1_024,
	/** Values of a multi-valued attribute (`emails`, `phoneNumbers`, `addresses`, …). */
	maxValues: 100,
	/** Values of `roles` and `entitlements`, which IdPs fill from app-role assignments. */
	maxRoleValues: 1_000,
	/** Group members one request may name (POST/PUT `members`, or all PATCH member operations together). */
	maxMembersPerRequest: 10_000,
	/** Operations in one PATCH request. */
	maxPatchOperations: 10_000,
	/** Characters in a filter (`filter=`, or a PATCH path's value filter). */
	maxFilterLength: 4_096,
	/** Nesting of parentheses and brackets in a filter. */
	maxFilterDepth: 32,
	/** Comparisons (`eq`, `pr`, …) in a filter; PostgreSQL took 7 s just to plan 140 `and`-ed member tests. */
	maxFilterComparisons: 50,
	/** Characters in a PATCH `path`. */
	maxPathLength: 4_096,
	/** Characters in `attributes` or `excludedAttributes`, which shape every resource of a page. */
	maxAttributeListLength: 4_096,
} as const;

/** Attributes, by the label the coercer gives them, whose values end up in database indexes. */
const IDENTIFIER_LABELS = new Set(["userName", "externalId", "displayName", "emails.value"]);
const ROLE_ATTRIBUTES: ReadonlySet<string> = new Set(roleAttributes);

/** The most characters a string written to the attribute labelled `label` may hold. */
export function maxLengthOf(label: string): number {
	return IDENTIFIER_LABELS.has(label) ? INPUT_LIMITS.maxIdentifierLength : INPUT_LIMITS.maxStringLength;
}

/** The most values a multi-valued attribute may hold. */
export function maxValuesOf(def: AttributeDef): number {
	if (def.name === "members") return INPUT_LIMITS.maxMembersPerRequest;
	return ROLE_ATTRIBUTES.has(def.name) ? INPUT_LIMITS.maxRoleValues : INPUT_LIMITS.maxValues;
}
