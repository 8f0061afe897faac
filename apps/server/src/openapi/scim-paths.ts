import type {
	ComponentsObject,
	HeadersObject,
	OperationObject,
	ParameterObject,
	PathItemObject,
	PathsObject,
	ReferenceObject,
	RequestBodyObject,
	ResponseObject,
	ServerObject,
} from "openapi3-ts/oas31";
import { SCIM_LIMITS } from "../scim/limits.ts";
import { schemaRef, scimSchemas } from "./scim-schemas.ts";

const SCIM_JSON = "application/scim+json";
const SECURITY = [{ scimBearer: [] }];

/** Both mounts of the one SCIM app (CONTRACT.md): the token's organization, or one named in the path. */
export const SCIM_SERVERS: ServerObject[] = [
	{ url: "/scim/v2", description: "The organization of the bearer token." },
	{
		url: "/organizations/{slug}/scim/v2",
		description: "An organization by slug; a token of another organization gets 404.",
		variables: { slug: { default: "default", description: "The organization's slug." } },
	},
];

/** RFC 7644 §3.12 statuses Roster answers, each an Error body; which operation gets which is listed below. */
const ERRORS = {
	400: "Bad request: see `scimType` (invalidSyntax, invalidValue, invalidFilter, invalidPath, invalidCursor…).",
	401: "No, malformed, unknown, revoked or expired bearer token.",
	404: "No such resource in the token's organization; or, on `/organizations/{slug}/scim/v2`, the slug is not the token's organization or its SCIM is switched off.",
	409: "`uniqueness`: the userName or displayName is taken.",
	412: "`If-Match` names a version the resource no longer has.",
	413: `The body exceeds ${SCIM_LIMITS.maxBodyBytes} bytes (Bulk: ${SCIM_LIMITS.bulkMaxPayloadSize} bytes or ${SCIM_LIMITS.bulkMaxOperations} operations).`,
	415: "The body is not `application/scim+json` or `application/json`.",
	429: "Rate limited, per client address or per connection; wait `Retry-After` seconds.",
	500: "A fault in Roster; `detail` carries the request id for the logs.",
} as const;

type ErrorStatus = keyof typeof ERRORS;

const COMMON_ERRORS: ErrorStatus[] = [400, 401, 404, 429, 500];
const WRITE_ERRORS: ErrorStatus[] = [...COMMON_ERRORS, 413, 415];

function responseRef(name: string): ReferenceObject {
	return { $ref: `#/components/responses/${name}` };
}

function parameterRef(name: string): ReferenceObject {
	return { $ref: `#/components/parameters/${name}` };
}

function errorResponses(statuses: ErrorStatus[]): Record<string, ReferenceObject> {
	return Object.fromEntries(
		[...statuses].sort().map((status) => [String(status), responseRef(`Scim${status}`)]),
	);
}

function scimBody(schema: string, description: string): RequestBodyObject {
	const media = { schema: schemaRef(schema) };
	return { required: true, description, content: { [SCIM_JSON]: media, "application/json": media } };
}

function ok(schema: string, description: string, headers: ResponseObject["headers"] = {}): ResponseObject {
	return { description, headers, content: { [SCIM_JSON]: { schema: schemaRef(schema) } } };
}

const ETAG_HEADER = { ETag: { $ref: "#/components/headers/ETag" } };
const WWW_AUTHENTICATE: HeadersObject = {
	"WWW-Authenticate": {
		description: 'The challenge: `Bearer realm="roster-scim"`.',
		schema: { type: "string" },
	},
};
const MODIFIED_NO_CONTENT: ResponseObject = { description: "Modified; no body.", headers: ETAG_HEADER };

function operation(
	tag: string,
	summary: string,
	rest: Omit<OperationObject, "tags" | "summary">,
): OperationObject {
	return { tags: [tag], summary, security: SECURITY, ...rest };
}

const LIST_PARAMETERS = [
	"filter",
	"startIndex",
	"count",
	"sortBy",
	"sortOrder",
	"cursor",
	"attributes",
	"excludedAttributes",
].map(parameterRef);
const VIEW_PARAMETERS = ["attributes", "excludedAttributes"].map(parameterRef);

/** The list, search, read, write and delete operations of one resource type (RFC 7644 §3.2–3.6). */
function resourcePaths(plural: "Users" | "Groups", schema: "User" | "Group", patch204: string): PathsObject {
	const tag = `SCIM ${plural}`;
	const id = parameterRef("id");
	return {
		[`/${plural}`]: {
			get: operation(tag, `List or filter ${plural}`, {
				operationId: `list${plural}`,
				parameters: LIST_PARAMETERS,
				responses: { 200: ok(`${schema}List`, "A page of results."), ...errorResponses(COMMON_ERRORS) },
			}),
			post: operation(tag, `Create a ${schema}`, {
				operationId: `create${schema}`,
				parameters: VIEW_PARAMETERS,
				requestBody: scimBody(`${schema}Input`, `The new ${schema}.`),
				responses: {
					201: ok(schema, "Created.", {
						...ETAG_HEADER,
						Location: { $ref: "#/components/headers/Location" },
					}),
					...errorResponses([...WRITE_ERRORS, 409]),
				},
			}),
		},
		[`/${plural}/.search`]: {
			post: operation(tag, `Search ${plural} with a body`, {
				operationId: `search${plural}`,
				requestBody: scimBody("SearchRequest", "The list parameters."),
				responses: { 200: ok(`${schema}List`, "A page of results."), ...errorResponses(WRITE_ERRORS) },
			}),
		},
		[`/${plural}/{id}`]: {
			parameters: [id],
			get: operation(tag, `Read a ${schema}`, {
				operationId: `get${schema}`,
				parameters: [...VIEW_PARAMETERS, parameterRef("IfNoneMatch")],
				responses: {
					200: ok(schema, `The ${schema}.`, ETAG_HEADER),
					304: { description: "Unchanged since the `If-None-Match` version.", headers: ETAG_HEADER },
					...errorResponses(COMMON_ERRORS),
				},
			}),
			put: operation(tag, `Replace a ${schema}`, {
				operationId: `replace${schema}`,
				parameters: [...VIEW_PARAMETERS, parameterRef("IfMatch")],
				requestBody: scimBody(`${schema}Input`, `The whole ${schema}; attributes left out are cleared.`),
				responses: {
					200: ok(schema, "Replaced.", ETAG_HEADER),
					...errorResponses([...WRITE_ERRORS, 409, 412]),
				},
			}),
			patch: operation(tag, `Modify a ${schema}`, {
				operationId: `patch${schema}`,
				parameters: [...VIEW_PARAMETERS, parameterRef("IfMatch")],
				requestBody: scimBody("PatchOp", "The changes, applied in one transaction."),
				responses: {
					200: ok(schema, "Modified.", ETAG_HEADER),
					204: { ...MODIFIED_NO_CONTENT, description: patch204 },
					...errorResponses([...WRITE_ERRORS, 409, 412]),
				},
			}),
			delete: operation(tag, `Delete a ${schema}`, {
				operationId: `delete${schema}`,
				parameters: [parameterRef("IfMatch")],
				responses: { 204: { description: "Deleted." }, ...errorResponses([...COMMON_ERRORS, 412]) },
			}),
		},
	};
}

function discoveryRead(summary: string, operationId: string, schema: string): PathItemObject {
	return {
		get: operation("SCIM discovery", summary, {
			operationId,
			responses: {
				200: ok(schema, summary),
				...errorResponses([401, 404, 429, 500]),
			},
		}),
	};
}

/** Every route of the SCIM app (`apps/server/src/scim`), relative to either mount in `SCIM_SERVERS`. */
export function scimPaths(): PathsObject {
	const paths: PathsObject = {
		...resourcePaths("Users", "User", "Modified, on a connection set to answer user PATCH with 204."),
		...resourcePaths(
			"Groups",
			"Group",
			"Modified; 204 unless `attributes` or `excludedAttributes` was given.",
		),
		"/.search": {
			post: operation("SCIM search and Bulk", "Search every resource type", {
				operationId: "searchAll",
				description:
					"Users, then Groups, paged across both. `sortBy` and `cursor` are per resource type only (400).",
				requestBody: scimBody("SearchRequest", "The list parameters."),
				responses: { 200: ok("ResourceList", "A page of results."), ...errorResponses(WRITE_ERRORS) },
			}),
		},
		"/Bulk": {
			post: operation("SCIM search and Bulk", "Run several operations", {
				operationId: "bulk",
				description: "Each operation is its own transaction and counts against the connection's rate budget.",
				requestBody: scimBody("BulkRequest", "The operations, in order."),
				responses: { 200: ok("BulkResponse", "Each operation's outcome."), ...errorResponses(WRITE_ERRORS) },
			}),
		},
		"/ServiceProviderConfig": discoveryRead(
			"What Roster supports",
			"getServiceProviderConfig",
			"ServiceProviderConfig",
		),
		"/ResourceTypes": discoveryRead("The resource types", "listResourceTypes", "ResourceTypeList"),
		"/ResourceTypes/{name}": {
			parameters: [
				{ name: "name", in: "path", required: true, schema: { type: "string", examples: ["User"] } },
			],
			...discoveryRead("One resource type", "getResourceType", "ResourceType"),
		},
		"/Schemas": discoveryRead("The schemas", "listSchemas", "SchemaList"),
		"/Schemas/{id}": {
			parameters: [
				{
					name: "id",
					in: "path",
					required: true,
					description: "The schema URN, case-insensitive.",
					schema: { type: "string", examples: ["urn:ietf:params:scim:schemas:core:2.0:User"] },
				},
			],
			...discoveryRead("One schema", "getSchema", "Schema"),
		},
	};
	for (const item of Object.values(paths)) item.servers = SCIM_SERVERS;
	return paths;
}

function query(name: string, description: string, schema: ParameterObject["schema"]): ParameterObject {
	return { name, in: "query", required: false, description, schema };
}

/** The schemas, parameters, headers, shared error responses and the bearer scheme of the SCIM paths. */
export function scimComponents(): ComponentsObject {
	const errorBody = { [SCIM_JSON]: { schema: schemaRef("Error") } };
	return {
		schemas: scimSchemas(),
		parameters: {
			id: {
				name: "id",
				in: "path",
				required: true,
				schema: { type: "string" },
				description: "The resource's id.",
			},
			filter: query("filter", 'RFC 7644 §3.4.2.2 filter, e.g. `userName eq "ada@example.com"`.', {
				type: "string",
			}),
			startIndex: query("startIndex", "1-based index of the first result.", { type: "integer", minimum: 1 }),
			count: query(
				"count",
				`Page size, at most ${SCIM_LIMITS.maxResults} (default ${SCIM_LIMITS.defaultCount}).`,
				{
					type: "integer",
					minimum: 0,
				},
			),
			sortBy: query("sortBy", "Attribute to sort by.", { type: "string" }),
			sortOrder: query("sortOrder", "Sort direction.", { type: "string", enum: ["ascending", "descending"] }),
			cursor: query("cursor", "RFC 9865: empty for the first page, then the `nextCursor` received.", {
				type: "string",
			}),
			attributes: query("attributes", "Comma-separated attributes to return.", { type: "string" }),
			excludedAttributes: query("excludedAttributes", "Comma-separated attributes to leave out.", {
				type: "string",
			}),
			IfMatch: {
				name: "If-Match",
				in: "header",
				required: false,
				description: "Apply only if the resource still has this ETag (else 412).",
				schema: { type: "string" },
			},
			IfNoneMatch: {
				name: "If-None-Match",
				in: "header",
				required: false,
				description: "Answer 304 if the resource still has this ETag.",
				schema: { type: "string" },
			},
		},
		headers: {
			ETag: { description: "The resource's version, a weak ETag.", schema: { type: "string" } },
			Location: { description: "The new resource's URL.", schema: { type: "string", format: "uri" } },
		},
		responses: Object.fromEntries(
			Object.entries(ERRORS).map(([status, description]) => {
				const response: ResponseObject = { description, content: errorBody };
				if (status === "401") response.headers = WWW_AUTHENTICATE;
				if (status === "429") {
					response.headers = {
						"Retry-After": { description: "Whole seconds to wait.", schema: { type: "integer", minimum: 1 } },
					};
				}
				return [`Scim${status}`, response];
			}),
		),
		securitySchemes: {
			scimBearer: {
				type: "http",
				scheme: "bearer",
				description:
					"A SCIM token of one IdP connection: `pnpm roster token create --org SLUG --name LABEL`. Application keys and session tokens are refused.",
			},
		},
	};
}
