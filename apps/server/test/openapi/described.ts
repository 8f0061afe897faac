import { Ajv2020 } from "ajv/dist/2020.js";
import type {
	OpenAPIObject,
	OperationObject,
	PathItemObject,
	ReferenceObject,
	RequestBodyObject,
	ResponseObject,
	SchemaObject,
} from "openapi3-ts/oas31";
import { expect } from "vitest";

/** The HTTP methods an OpenAPI path item may hold, in Hono's spelling. */
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** The mounts the description covers; everything else (console, tRPC, health…) is out of its scope. */
const DESCRIBED_MOUNTS = /^\/(?:scim\/v2|organizations\/:slug\/scim\/v2|api\/v1)(?:\/|$)/;

/** `/Users/{id}` → `/Users/:id`: OpenAPI's path templates in Hono's route syntax. */
function honoPath(template: string): string {
	return template.replace(/\{([^}]+)\}/g, ":$1");
}

/** `GET /scim/v2/Users/:id`, one per method, path and server of the description. */
export function describedRoutes(document: OpenAPIObject): string[] {
	const routes = new Set<string>();
	for (const [path, item] of Object.entries(document.paths ?? {}) as [string, PathItemObject][]) {
		const servers = item.servers ?? document.servers ?? [{ url: "" }];
		for (const method of METHODS) {
			if (!item[method]) continue;
			for (const server of servers) routes.add(`${method.toUpperCase()} ${honoPath(server.url + path)}`);
		}
	}
	return [...routes].sort();
}

/** The app's real routes under the described mounts; `ALL` entries are middleware and the 404 catch-all. */
export function servedRoutes(app: { routes: readonly { method: string; path: string }[] }): string[] {
	const routes = new Set<string>();
	for (const route of app.routes) {
		if (route.method === "ALL" || !DESCRIBED_MOUNTS.test(route.path)) continue;
		routes.add(`${route.method} ${route.path}`);
	}
	return [...routes].sort();
}

/** What one side has and the other lacks, both ways. */
export function disagreements(described: string[], served: string[]) {
	return {
		servedButNotDescribed: served.filter((route) => !described.includes(route)),
		describedButNotServed: described.filter((route) => !served.includes(route)),
	};
}

const DOCUMENT_ID = "urn:roster:openapi";
const SCIM_JSON = "application/scim+json";

/** Follows a local `$ref` (`#/components/responses/Scim404`) within the document. */
function resolveLocal<T>(document: OpenAPIObject, value: T | ReferenceObject): T {
	if (!isReference(value)) return value;
	const found = value.$ref
		.slice(2)
		.split("/")
		.reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], document);
	if (found === undefined) throw new Error(`Unresolved ${value.$ref}`);
	return found as T;
}

function isReference(value: unknown): value is ReferenceObject {
	return typeof value === "object" && value !== null && "$ref" in value;
}

/** Validates values against the document's schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses; formats not asserted). */
function schemaValidator(document: OpenAPIObject) {
	const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
	ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
	return function errorsOf(schema: SchemaObject | ReferenceObject, value: unknown): unknown[] {
		const ref = isReference(schema) ? `${DOCUMENT_ID}${schema.$ref}` : undefined;
		const validate = ref ? (ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })) : ajv.compile(schema);
		return validate(value) ? [] : (validate.errors ?? []);
	};
}

function describedOperation(document: OpenAPIObject, method: string, path: string): OperationObject {
	const operation = document.paths?.[path]?.[method.toLowerCase() as "get"] as OperationObject | undefined;
	expect(operation, `${method} ${path}: operation described`).toBeDefined();
	return operation as OperationObject;
}

/**
 * Checks a real reply (as the SCIM and `/api/v1` test clients return it: body parsed, null when empty)
 * against the description of `method path` (path as the document spells it): it has the expected status,
 * which is described, every described header is sent, and the body has a described media type and matches
 * its schema.
 */
export function responseChecker(document: OpenAPIObject) {
	const errorsOf = schemaValidator(document);
	return function expectDescribed(
		method: string,
		path: string,
		status: number,
		reply: { status: number; headers: Headers; body: unknown },
	): void {
		const where = `${method} ${path} → ${reply.status}`;
		expect(reply.status, `${where}: expected ${status}`).toBe(status);
		const described = describedOperation(document, method, path).responses?.[String(reply.status)];
		expect(described, `${where}: status described`).toBeDefined();
		const response = resolveLocal<ResponseObject>(document, described);
		for (const name of Object.keys(response.headers ?? {})) {
			expect(reply.headers.get(name), `${where}: header ${name}`).not.toBeNull();
		}
		if (!response.content) {
			expect(reply.body, `${where}: no body`).toBeNull();
			return;
		}
		const mediaType = reply.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
		const schema = response.content[mediaType]?.schema;
		expect(schema, `${where}: media type ${mediaType} described`).toBeDefined();
		expect(errorsOf(schema ?? {}, reply.body), `${where}: body matches`).toEqual([]);
	};
}

/** Checks that a body Roster accepted matches the request schema the description gives for `method path`. */
export function requestChecker(document: OpenAPIObject) {
	const errorsOf = schemaValidator(document);
	return function expectAcceptedBody(method: string, path: string, body: unknown): void {
		const where = `${method} ${path} request`;
		const requestBody = describedOperation(document, method, path).requestBody;
		expect(requestBody, `${where}: body described`).toBeDefined();
		const media = resolveLocal<RequestBodyObject>(document, requestBody ?? { content: {} }).content;
		const schema = (media[SCIM_JSON] ?? media["application/json"])?.schema;
		expect(schema, `${where}: JSON schema described`).toBeDefined();
		expect(errorsOf(schema ?? {}, body), `${where}: matches`).toEqual([]);
	};
}
