import type { AttrPath } from "../filter/ast.ts";
import { commonAttributes } from "./common.ts";
import { findAttribute, findSchema } from "./resource-types.ts";
import type { AttributeDef, ResolvedAttribute, ResourceTypeDef } from "./types.ts";

function sameUrn(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

function findInSchema(urn: string, name: string, isCore: boolean): AttributeDef | undefined {
	const inCommon = isCore ? findAttribute(commonAttributes, name) : undefined;
	return inCommon ?? findAttribute(findSchema(urn)?.attributes ?? [], name);
}

/**
 * Resolves a client-written path against a resource type. Names and URNs match case-insensitively
 * (RFC 7643 §2.1); an unqualified name is looked up in the common attributes, the core schema, then each
 * extension; a URN-qualified path only in that schema. `canonical` carries the schema's spelling and keeps
 * `uri` only for extension attributes, mirroring where the value lives in a resource's JSON.
 */
export function resolveAttribute(rt: ResourceTypeDef, path: AttrPath): ResolvedAttribute | undefined {
	const candidates = path.uri
		? [rt.schema, ...rt.schemaExtensions.map((extension) => extension.schema)].filter((urn) =>
				sameUrn(urn, path.uri ?? ""),
			)
		: [rt.schema, ...rt.schemaExtensions.map((extension) => extension.schema)];
	for (const urn of candidates) {
		const isCore = urn === rt.schema;
		const attribute = findInSchema(urn, path.attr, isCore);
		if (!attribute) continue;
		const canonical: AttrPath = { ...(isCore ? {} : { uri: urn }), attr: attribute.name };
		if (path.sub === undefined) return { schema: urn, attribute, canonical };
		const subAttribute = findAttribute(attribute.subAttributes ?? [], path.sub);
		if (!subAttribute) return undefined;
		return { schema: urn, attribute, subAttribute, canonical: { ...canonical, sub: subAttribute.name } };
	}
	return undefined;
}

/**
 * Resolves a path written inside a value filter (`emails[type eq "work"]`): it names a sub-attribute of
 * `parent`, so it may be neither URN-qualified nor dotted.
 */
export function resolveSubAttribute(
	parent: ResolvedAttribute,
	path: AttrPath,
): ResolvedAttribute | undefined {
	if (path.uri !== undefined || path.sub !== undefined || parent.subAttribute) return undefined;
	const subAttribute = findAttribute(parent.attribute.subAttributes ?? [], path.attr);
	if (!subAttribute) return undefined;
	return { ...parent, subAttribute, canonical: { ...parent.canonical, sub: subAttribute.name } };
}
