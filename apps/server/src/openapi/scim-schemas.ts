import {
	type AttributeDef,
	commonAttributes,
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
	groupResourceType,
	type ResourceTypeDef,
	SCIM_ERROR_SCHEMA,
	type SchemaDef,
	type ScimType,
	schemaDefs,
	USER_SCHEMA,
	userResourceType,
} from "@roster/scim";
import type { ReferenceObject, SchemaObject } from "openapi3-ts/oas31";
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from "../scim/bulk.ts";
import { LIMITS_SCHEMA } from "../scim/discovery.routes.ts";
import { SCIM_LIMITS } from "../scim/limits.ts";
import { LIST_RESPONSE_SCHEMA } from "../scim/respond.ts";

const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/** `#/components/schemas/<name>`. */
export function schemaRef(name: string): ReferenceObject {
	return { $ref: `#/components/schemas/${name}` };
}

/**
 * Every `scimType` Roster sends (RFC 7644 §3.12, RFC 9865), keyed by the type so a new one fails to
 * compile until it is described here.
 */
const SCIM_TYPES: Record<ScimType, string> = {
	invalidFilter: "The filter is malformed or names an attribute the resource type lacks.",
	tooMany: "The filter would return more results than allowed.",
	uniqueness: "A value that must be unique (userName, a group's displayName…) is taken.",
	mutability: "The request tried to change a read-only or immutable attribute.",
	invalidSyntax: "The body is not valid SCIM (bad JSON, missing schemas, malformed Operations).",
	invalidPath: "A PATCH or Bulk path is malformed or not supported.",
	noTarget: "A PATCH path matched nothing.",
	invalidValue: "A value or parameter is of the wrong type or out of range.",
	invalidVers: "The SCIM version is not supported.",
	sensitive: "The request would expose sensitive data in a URL.",
	invalidCursor: "The cursor is malformed or belongs to another query.",
	expiredCursor: "The cursor has expired (after `cursorTimeout` seconds).",
};

const JSON_TYPES = {
	string: { type: "string" },
	boolean: { type: "boolean" },
	decimal: { type: "number" },
	integer: { type: "integer" },
	dateTime: { type: "string", format: "date-time" },
	reference: { type: "string", format: "uri-reference" },
	binary: { type: "string", contentEncoding: "base64" },
} satisfies Record<Exclude<AttributeDef["type"], "complex">, SchemaObject>;

function scalarSchema(
	type: Exclude<AttributeDef["type"], "complex">,
	canonicalValues?: string[],
): SchemaObject {
	const schema: SchemaObject = { ...JSON_TYPES[type] };
	// Canonical values are the RFC's suggestions, not a closed list (RFC 7643 §2.3.1).
	if (canonicalValues) schema.examples = canonicalValues;
	return schema;
}

/**
 * Which attributes a body must carry: one Roster returns always has those `returned: "always"` (whatever
 * `attributes` asked for); one a client writes has those `required` it may write.
 */
type Direction = "returned" | "written";

function mustCarry(attribute: AttributeDef, direction: Direction): boolean {
	return direction === "returned"
		? attribute.returned === "always"
		: attribute.required && attribute.mutability !== "readOnly";
}

/** One SCIM attribute as JSON Schema: type, multiplicity and mutability from its RFC 7643 §7 definition. */
function attributeSchema(attribute: AttributeDef, direction: Direction): SchemaObject {
	const value =
		attribute.type === "complex"
			? attributesSchema(attribute.subAttributes ?? [], direction)
			: scalarSchema(attribute.type, attribute.canonicalValues);
	const schema: SchemaObject = attribute.multiValued ? { type: "array", items: value } : value;
	schema.description = attribute.description;
	if (attribute.mutability === "readOnly") schema.readOnly = true;
	if (attribute.mutability === "writeOnly" || attribute.returned === "never") schema.writeOnly = true;
	return schema;
}

/**
 * An object of SCIM attributes. Extra properties stay allowed: SCIM names are case-insensitive and
 * Roster accepts the IdPs' spellings and quirks (decision 0135), which a closed schema would refuse.
 */
function attributesSchema(attributes: readonly AttributeDef[], direction: Direction): SchemaObject {
	const required = attributes.filter((a) => mustCarry(a, direction)).map((a) => a.name);
	return {
		type: "object",
		properties: Object.fromEntries(attributes.map((a) => [a.name, attributeSchema(a, direction)])),
		...(required.length > 0 ? { required } : {}),
	};
}

function requireSchema(id: string): SchemaDef {
	const schema = schemaDefs.find((candidate) => candidate.id === id);
	if (!schema) throw new Error(`No SCIM schema ${id}`);
	return schema;
}

/** The component of an extension schema: `EnterpriseUser`, or `EnterpriseUserInput` as written. */
function extensionComponent(urn: string, direction: Direction): string {
	if (urn !== ENTERPRISE_USER_SCHEMA) throw new Error(`No component for the extension ${urn}`);
	return direction === "written" ? "EnterpriseUserInput" : "EnterpriseUser";
}

/**
 * A resource type's schema as returned or as written: common attributes, its core schema's and a property
 * per extension URN.
 */
function resourceSchema(resourceType: ResourceTypeDef, direction: Direction): SchemaObject {
	const definition = requireSchema(resourceType.schema);
	const extensions = resourceType.schemaExtensions.map((e) => e.schema);
	const body = attributesSchema([...commonAttributes, ...definition.attributes], direction);
	return {
		...body,
		description: `${definition.description}, as ${direction === "returned" ? "Roster returns it" : "a client writes it"}.`,
		properties: {
			schemas: { type: "array", items: { type: "string" }, examples: [[resourceType.schema, ...extensions]] },
			...body.properties,
			...Object.fromEntries(extensions.map((urn) => [urn, schemaRef(extensionComponent(urn, direction))])),
		},
		required: ["schemas", ...(body.required ?? [])],
	};
}

function schemasProperty(urn: string): SchemaObject {
	return { type: "array", items: { type: "string" }, minItems: 1, examples: [[urn]] };
}

function listOf(component: string): SchemaObject {
	return {
		allOf: [
			schemaRef("ListResponse"),
			{ type: "object", properties: { Resources: { type: "array", items: schemaRef(component) } } },
		],
	};
}

const attributeList: SchemaObject = {
	description: "Attribute names, comma-separated or as an array.",
	oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
};

function enterpriseSchema(direction: Direction): SchemaObject {
	const enterprise = requireSchema(ENTERPRISE_USER_SCHEMA);
	return { ...attributesSchema(enterprise.attributes, direction), description: enterprise.description };
}

/**
 * The SCIM resources and messages of RFC 7643/7644, from the same definitions `/Schemas` serves. Each
 * resource comes twice, as returned (`User`) and as written (`UserInput`), since what a body must carry
 * differs: `attributes=emails` returns no `userName`, and a client never sends `id`.
 */
export function scimSchemas(): Record<string, SchemaObject> {
	return {
		User: resourceSchema(userResourceType, "returned"),
		UserInput: resourceSchema(userResourceType, "written"),
		EnterpriseUser: enterpriseSchema("returned"),
		EnterpriseUserInput: enterpriseSchema("written"),
		Group: resourceSchema(groupResourceType, "returned"),
		GroupInput: resourceSchema(groupResourceType, "written"),
		UserList: listOf("User"),
		GroupList: listOf("Group"),
		ResourceList: {
			allOf: [
				schemaRef("ListResponse"),
				{
					type: "object",
					properties: {
						Resources: { type: "array", items: { anyOf: [schemaRef("User"), schemaRef("Group")] } },
					},
				},
			],
		},
		ResourceTypeList: listOf("ResourceType"),
		SchemaList: listOf("Schema"),
		ListResponse: {
			type: "object",
			description: "RFC 7644 §3.4.2; `nextCursor` only with cursor pagination (RFC 9865).",
			properties: {
				schemas: schemasProperty(LIST_RESPONSE_SCHEMA),
				totalResults: { type: "integer", minimum: 0 },
				startIndex: { type: "integer", minimum: 1 },
				itemsPerPage: { type: "integer", minimum: 0 },
				nextCursor: { type: "string" },
				previousCursor: { type: "string" },
				Resources: { type: "array" },
			},
			required: ["schemas", "totalResults", "Resources"],
		},
		SearchRequest: {
			type: "object",
			description: "RFC 7644 §3.4.3: the list parameters in a body. Names are case-insensitive.",
			properties: {
				schemas: schemasProperty(SEARCH_REQUEST_SCHEMA),
				filter: { type: "string" },
				attributes: attributeList,
				excludedAttributes: attributeList,
				sortBy: { type: "string" },
				sortOrder: { type: "string", enum: ["ascending", "descending"] },
				startIndex: { type: "integer", minimum: 1 },
				count: { type: "integer", minimum: 0, maximum: SCIM_LIMITS.maxResults },
				cursor: { type: "string", description: "Empty for the first page, then the `nextCursor` received." },
			},
		},
		PatchOp: {
			type: "object",
			description:
				"RFC 7644 §3.5.2. `op` is case-insensitive (Entra ID sends `Replace`); a member removal may carry a `value` array.",
			properties: {
				schemas: schemasProperty(PATCH_OP_SCHEMA),
				Operations: {
					type: "array",
					minItems: 1,
					items: {
						type: "object",
						properties: {
							op: { type: "string", examples: ["add", "remove", "replace"] },
							path: { type: "string", examples: ['members[value eq "2819c223"]', "active"] },
							value: {},
						},
						required: ["op"],
					},
				},
			},
			required: ["schemas", "Operations"],
		},
		BulkRequest: {
			type: "object",
			description: "RFC 7644 §3.7; `data` of a POST may be referenced as `bulkId:<id>` by later operations.",
			properties: {
				schemas: schemasProperty(BULK_REQUEST_SCHEMA),
				failOnErrors: { type: "integer", minimum: 1 },
				Operations: {
					type: "array",
					maxItems: SCIM_LIMITS.bulkMaxOperations,
					items: {
						type: "object",
						properties: {
							method: { type: "string", enum: ["POST", "PUT", "PATCH", "DELETE"] },
							bulkId: { type: "string" },
							version: { type: "string" },
							path: { type: "string", examples: ["/Users", "/Groups/2819c223"] },
							data: {},
						},
						required: ["method", "path"],
					},
				},
			},
			required: ["schemas", "Operations"],
		},
		BulkResponse: {
			type: "object",
			properties: {
				schemas: schemasProperty(BULK_RESPONSE_SCHEMA),
				Operations: {
					type: "array",
					items: {
						type: "object",
						properties: {
							method: { type: "string" },
							bulkId: { type: "string" },
							location: { type: "string", format: "uri" },
							version: { type: "string" },
							status: { type: "string", examples: ["201", "409"] },
							response: schemaRef("Error"),
						},
						required: ["method", "status"],
					},
				},
			},
			required: ["schemas", "Operations"],
		},
		Error: {
			type: "object",
			description: "RFC 7644 §3.12. `status` is the HTTP status as a string.",
			properties: {
				schemas: schemasProperty(SCIM_ERROR_SCHEMA),
				status: { type: "string", pattern: "^[1-5][0-9][0-9]$" },
				scimType: {
					type: "string",
					enum: Object.keys(SCIM_TYPES),
					description: Object.entries(SCIM_TYPES)
						.map(([type, meaning]) => `- \`${type}\`: ${meaning}`)
						.join("\n"),
				},
				detail: { type: "string" },
			},
			required: ["schemas", "status", "detail"],
		},
		ServiceProviderConfig: {
			type: "object",
			description: `RFC 7643 §5, with Roster's input bounds under \`${LIMITS_SCHEMA}\`.`,
			properties: {
				schemas: { type: "array", items: { type: "string" } },
				documentationUri: { type: "string", format: "uri" },
				patch: { type: "object", properties: { supported: { type: "boolean" } } },
				bulk: {
					type: "object",
					properties: {
						supported: { type: "boolean" },
						maxOperations: { type: "integer" },
						maxPayloadSize: { type: "integer" },
					},
				},
				filter: {
					type: "object",
					properties: { supported: { type: "boolean" }, maxResults: { type: "integer" } },
				},
				changePassword: { type: "object", properties: { supported: { type: "boolean" } } },
				sort: { type: "object", properties: { supported: { type: "boolean" } } },
				etag: { type: "object", properties: { supported: { type: "boolean" } } },
				pagination: { type: "object", description: "RFC 9865 pagination capabilities." },
				authenticationSchemes: { type: "array", items: { type: "object" } },
				[LIMITS_SCHEMA]: { type: "object", additionalProperties: { type: "integer" } },
			},
			required: [
				"schemas",
				"patch",
				"bulk",
				"filter",
				"changePassword",
				"sort",
				"etag",
				"authenticationSchemes",
			],
		},
		ResourceType: {
			type: "object",
			description: "RFC 7643 §6.",
			properties: {
				schemas: { type: "array", items: { type: "string" } },
				id: { type: "string" },
				name: { type: "string" },
				endpoint: { type: "string" },
				description: { type: "string" },
				schema: { type: "string" },
				schemaExtensions: {
					type: "array",
					items: {
						type: "object",
						properties: { schema: { type: "string" }, required: { type: "boolean" } },
					},
				},
			},
			required: ["schemas", "name", "endpoint", "schema"],
		},
		Schema: {
			type: "object",
			description: "RFC 7643 §7: a schema's attributes and their characteristics.",
			properties: {
				schemas: { type: "array", items: { type: "string" } },
				id: { type: "string", examples: [USER_SCHEMA, GROUP_SCHEMA] },
				name: { type: "string" },
				description: { type: "string" },
				attributes: { type: "array", items: { type: "object" } },
			},
			required: ["schemas", "id", "attributes"],
		},
	};
}
