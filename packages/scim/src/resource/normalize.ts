import { ScimError } from "../errors.ts";
import type { AttrPath } from "../filter/ast.ts";
import { splitAttrPath } from "../filter/attr-path.ts";
import { findSchema } from "../schemas/resource-types.ts";
import type { ResourceTypeDef } from "../schemas/types.ts";
import { assertNoNul, coerceAttribute } from "./coerce.ts";
import { getCi, isJsonObject, type JsonObject, setCanonical } from "./json.ts";
import { findExtension, holderOf, resolveTarget, withSchemas } from "./locate.ts";

/** A POST/PUT body in canonical form, and whether it carried a password Roster chose not to store. */
export interface NormalizedResource {
	resource: JsonObject;
	passwordSupplied: boolean;
}

function assign(
	out: JsonObject,
	rt: ResourceTypeDef,
	path: AttrPath,
	value: unknown,
	report: { password: boolean },
) {
	const target = resolveTarget(rt, path);
	if (!target) return;
	if (target.kind === "extension") {
		assignExtension(out, rt, target.schema, value, report);
		return;
	}
	const { attribute, subAttribute } = target.resolved;
	if (attribute.mutability === "writeOnly") {
		report.password ||= value !== null && value !== undefined;
		return;
	}
	if (attribute.mutability === "readOnly" || subAttribute?.mutability === "readOnly") return;
	const label = [attribute.name, subAttribute?.name].filter(Boolean).join(".");
	if (subAttribute) {
		if (attribute.multiValued) return;
		const coerced = coerceAttribute(subAttribute, value, label);
		if (coerced === undefined) return;
		const holder = holderOf(out, target.resolved, true) ?? out;
		const current = getCi(holder, attribute.name);
		const complexValue = isJsonObject(current) ? current : {};
		setCanonical(complexValue, subAttribute.name, coerced);
		setCanonical(holder, attribute.name, complexValue);
		return;
	}
	const coerced = coerceAttribute(attribute, value, label);
	if (coerced === undefined) return;
	const holder = holderOf(out, target.resolved, true) ?? out;
	const current = getCi(holder, attribute.name);
	const merged = isJsonObject(current) && isJsonObject(coerced) ? { ...current, ...coerced } : coerced;
	setCanonical(holder, attribute.name, merged);
}

function assignExtension(
	out: JsonObject,
	rt: ResourceTypeDef,
	schema: string,
	value: unknown,
	report: { password: boolean },
) {
	if (value === null || value === undefined) return;
	if (!isJsonObject(value))
		throw new ScimError(400, "invalidValue", `Extension "${schema}" must be an object.`);
	for (const [key, item] of Object.entries(value)) {
		const path = splitAttrPath(key);
		if (typeof path === "string" || path.uri !== undefined) continue;
		assign(out, rt, { ...path, uri: schema }, item, report);
	}
}

/**
 * Turns a POST or PUT body into the canonical SCIM JSON Roster stores, tolerating what real IdPs send
 * (any attribute-name case, `null` for absent, "True"/"False", `manager` as a string, extension data whose URN
 * is missing from `schemas`, Roster's own GET output with `id`/`meta`/`groups`) while rejecting what cannot
 * be stored faithfully: wrong types, missing required attributes and NUL characters. `password` is never
 * kept; `passwordSupplied` lets the caller record that one was sent.
 */
export function normalizeResource(body: unknown, rt: ResourceTypeDef): NormalizedResource {
	if (!isJsonObject(body))
		throw new ScimError(400, "invalidSyntax", "The request body must be a JSON object.");
	assertNoNul(body, "body");
	const out: JsonObject = {};
	const report = { password: false };
	for (const [key, value] of Object.entries(body)) {
		if (key.toLowerCase() === "schemas") continue;
		const extension = findExtension(rt, key);
		if (extension) {
			assignExtension(out, rt, extension, value, report);
			continue;
		}
		const path = splitAttrPath(key);
		if (typeof path !== "string") assign(out, rt, path, value, report);
	}
	for (const attribute of findSchema(rt.schema)?.attributes ?? []) {
		const value = getCi(out, attribute.name);
		if (attribute.required && (value === undefined || (typeof value === "string" && value.trim() === ""))) {
			throw new ScimError(400, "invalidValue", `Attribute "${attribute.name}" is required.`);
		}
	}
	return { resource: withSchemas(out, rt), passwordSupplied: report.password };
}
