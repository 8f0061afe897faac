import type { AttrPath } from "../filter/ast.ts";

export type AttributeType =
	| "string"
	| "boolean"
	| "decimal"
	| "integer"
	| "dateTime"
	| "reference"
	| "binary"
	| "complex";

/** Attribute metadata exactly as RFC 7643 §7 publishes it under `/Schemas`. */
export interface AttributeDef {
	name: string;
	type: AttributeType;
	multiValued: boolean;
	description: string;
	required: boolean;
	caseExact: boolean;
	mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
	returned: "always" | "never" | "default" | "request";
	uniqueness: "none" | "server" | "global";
	subAttributes?: AttributeDef[];
	canonicalValues?: string[];
	referenceTypes?: string[];
}

export interface SchemaDef {
	id: string;
	name: string;
	description: string;
	attributes: AttributeDef[];
}

export interface ResourceTypeDef {
	name: "User" | "Group";
	endpoint: string;
	description: string;
	schema: string;
	schemaExtensions: { schema: string; required: boolean }[];
}

/** An attribute path resolved against a resource type: canonical names, owning schema and definitions. */
export interface ResolvedAttribute {
	/** Schema URN that owns the attribute (core or extension). */
	schema: string;
	attribute: AttributeDef;
	subAttribute?: AttributeDef;
	/** The path with the schema's own spelling of every name. */
	canonical: AttrPath;
}
