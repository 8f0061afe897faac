import type { AttrPath } from "../filter/ast.ts";
import { resolveAttribute } from "../schemas/resolve.ts";
import type { ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import { deleteCi, findKey, isJsonObject, type JsonObject } from "./json.ts";

/** What a client-written path names: one attribute, or a whole extension (`urn:…:enterprise:2.0:User`). */
export type Target =
	| { kind: "attribute"; resolved: ResolvedAttribute }
	| { kind: "extension"; schema: string };

/**
 * The resource type's extension URN spelled like `urn` in any case, if it has one. Called for every key of
 * every resource shaped or written, nearly all of them not URNs: a key of another length is no extension
 * (lower-casing keeps the length of anything that can equal an ASCII URN), so it is compared unallocated.
 */
export function findExtension(rt: ResourceTypeDef, urn: string): string | undefined {
	for (const { schema } of rt.schemaExtensions) {
		if (schema.length === urn.length && (schema === urn || schema.toLowerCase() === urn.toLowerCase())) {
			return schema;
		}
	}
	return undefined;
}

/**
 * Resolves a path to an attribute or a whole extension; `undefined` means Roster does not know it, which
 * callers treat as "ignore" since IdPs send attributes of their own.
 */
export function resolveTarget(rt: ResourceTypeDef, path: AttrPath): Target | undefined {
	const resolved = resolveAttribute(rt, path);
	if (resolved) return { kind: "attribute", resolved };
	if (path.uri === undefined || path.sub !== undefined) return undefined;
	const schema = findExtension(rt, `${path.uri}:${path.attr}`);
	return schema ? { kind: "extension", schema } : undefined;
}

/**
 * The object that holds an attribute's value: the resource itself for core attributes, the extension object
 * (`resource["urn:…:User"]`) otherwise, created on demand when `create` is set.
 */
export function holderOf(
	resource: JsonObject,
	resolved: ResolvedAttribute,
	create: boolean,
): JsonObject | undefined {
	const urn = resolved.canonical.uri;
	if (urn === undefined) return resource;
	const key = findKey(resource, urn);
	const existing = key === undefined ? undefined : resource[key];
	if (isJsonObject(existing)) {
		if (key !== urn && key !== undefined) {
			delete resource[key];
			resource[urn] = existing;
		}
		return existing;
	}
	if (!create) return undefined;
	const created: JsonObject = {};
	if (key !== undefined) delete resource[key];
	resource[urn] = created;
	return created;
}

/**
 * The resource with `schemas` first, listing the core URN plus each extension that holds data, and without
 * empty extension objects: clients may omit an extension's URN from `schemas` or leave one listed after
 * removing its last attribute.
 */
export function withSchemas(resource: JsonObject, rt: ResourceTypeDef): JsonObject {
	const schemas = [rt.schema];
	const rest: JsonObject = { ...resource };
	deleteCi(rest, "schemas");
	for (const { schema } of rt.schemaExtensions) {
		const key = findKey(rest, schema);
		if (key === undefined) continue;
		const value = rest[key];
		delete rest[key];
		if (isJsonObject(value) && Object.keys(value).length > 0) {
			rest[schema] = value;
			schemas.push(schema);
		}
	}
	return { schemas, ...rest };
}
