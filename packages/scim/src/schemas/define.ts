import type { AttributeDef, AttributeType } from "./types.ts";

type AttributeOptions = Partial<Omit<AttributeDef, "name" | "type" | "subAttributes">>;

/**
 * Builds an attribute with RFC 7643 §2.2 defaults (optional, single-valued, readWrite, returned by default,
 * not unique, case-insensitive) so each schema file lists only what differs from the RFC's defaults.
 */
export function attribute(
	name: string,
	type: AttributeType,
	description: string,
	options: AttributeOptions = {},
): AttributeDef {
	return {
		name,
		type,
		multiValued: false,
		description,
		required: false,
		caseExact: false,
		mutability: "readWrite",
		returned: "default",
		uniqueness: "none",
		...options,
	};
}

/** A complex attribute; RFC 7643 gives complex attributes `caseExact: false` and sub-attributes only one level deep. */
export function complex(
	name: string,
	description: string,
	subAttributes: AttributeDef[],
	options: AttributeOptions = {},
): AttributeDef {
	return { ...attribute(name, "complex", description, options), subAttributes };
}

/**
 * The `value`/`display`/`type`/`primary` quartet RFC 7643 §2.4 uses for multi-valued attributes such as
 * emails and roles; `valueType` lets photos use `reference` and certificates `binary`.
 */
export function multiValuedQuartet(
	name: string,
	description: string,
	options: {
		valueType?: AttributeType;
		valueCaseExact?: boolean;
		canonicalTypes?: string[];
		mutability?: AttributeDef["mutability"];
		referenceTypes?: string[];
	} = {},
): AttributeDef {
	const mutability = options.mutability ?? "readWrite";
	return complex(
		name,
		description,
		[
			attribute("value", options.valueType ?? "string", `The value of the ${name} entry.`, {
				caseExact: options.valueCaseExact ?? false,
				mutability,
				...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
			}),
			attribute("display", "string", "A human-readable name, primarily used for display purposes.", {
				mutability,
			}),
			attribute("type", "string", `A label indicating the ${name} entry's function.`, {
				mutability,
				...(options.canonicalTypes ? { canonicalValues: options.canonicalTypes } : {}),
			}),
			attribute("primary", "boolean", "Indicates the primary or preferred value; true at most once.", {
				mutability,
			}),
		],
		{ multiValued: true, mutability },
	);
}
