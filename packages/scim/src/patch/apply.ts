import { ScimError } from "../errors.ts";
import type { AttrPath, FilterNode } from "../filter/ast.ts";
import { splitAttrPath } from "../filter/attr-path.ts";
import { maxValuesOf } from "../limits.ts";
import { coerceAttribute } from "../resource/coerce.ts";
import {
	canonicalJson,
	deleteCi,
	findKey,
	getCi,
	isJsonObject,
	type JsonObject,
	jsonEqual,
	setCanonical,
} from "../resource/json.ts";
import { findExtension, holderOf, resolveTarget, withSchemas } from "../resource/locate.ts";
import type { AttributeDef, ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import { assertMembersPerRequest, type MemberOp, memberOperation } from "./member-delta.ts";
import type { PatchOperation, PatchOpName } from "./request.ts";
import { elementFromFilter, matchesElement } from "./value-filter.ts";

export interface PatchOptions {
	/**
	 * Attributes whose operations are returned as deltas instead of being applied (the server passes
	 * `["members"]` for groups): their current value is never read, so a PATCH costs the same on any group size.
	 */
	deltaAttributes?: string[];
	/**
	 * Core attributes the schema publishes as optional but the server always stores a value for (the server
	 * passes `["active"]` for users): PATCH treats them as required, so removing one, or replacing it with
	 * null, is 400 `invalidValue` rather than a success that leaves the stored value as it was.
	 */
	required?: string[];
}

export interface PatchResult {
	/** A new resource; the input is never modified. */
	resource: JsonObject;
	/** Operations on each delta attribute, keyed by its canonical name, in request order. */
	deltas: Record<string, MemberOp[]>;
	/** Whether an operation set `password`, which Roster does not store but records in the audit log. */
	passwordSupplied: boolean;
}

interface PatchState {
	resource: JsonObject;
	rt: ResourceTypeDef;
	deltas: Record<string, MemberOp[]>;
	deltaNames: Map<string, string>;
	required: Set<string>;
	passwordSupplied: boolean;
}

interface Write {
	op: PatchOpName;
	value: unknown;
	filter: FilterNode | undefined;
	pathless: boolean;
}

function mutability(detail: string): ScimError {
	return new ScimError(400, "mutability", detail);
}

function labelOf(resolved: ResolvedAttribute): string {
	return [resolved.attribute.name, resolved.subAttribute?.name].filter(Boolean).join(".");
}

function assertMutable(def: AttributeDef, current: unknown, next: unknown, label: string): void {
	if (def.mutability === "immutable" && current !== undefined && !jsonEqual(current, next)) {
		throw mutability(`Attribute "${label}" is immutable and already set.`);
	}
}

function enforceSinglePrimary(list: unknown[], touched: unknown[]): void {
	if (!touched.some((item) => isJsonObject(item) && getCi(item, "primary") === true)) return;
	for (const item of list) {
		if (isJsonObject(item) && !touched.includes(item) && getCi(item, "primary") === true) {
			setCanonical(item, "primary", false);
		}
	}
}

function storeList(holder: JsonObject, def: AttributeDef, list: unknown[]): void {
	if (list.length === 0) deleteCi(holder, def.name);
	else setCanonical(holder, def.name, list);
}

/** Keeps a multi-valued attribute that a PATCH grows within the bound its POST would have had. */
function assertRoom(def: AttributeDef, size: number, label: string): void {
	if (size > maxValuesOf(def)) {
		throw new ScimError(
			400,
			"invalidValue",
			`Attribute "${label}" must be a list of at most ${maxValuesOf(def)} values.`,
		);
	}
}

function setSub(element: JsonObject, sub: AttributeDef, value: unknown, label: string): void {
	if (value === undefined) {
		deleteCi(element, sub.name);
		return;
	}
	assertMutable(sub, getCi(element, sub.name), value, label);
	setCanonical(element, sub.name, value);
}

function mergeInto(element: JsonObject, value: JsonObject): void {
	for (const [key, item] of Object.entries(value)) setCanonical(element, key, item);
}

function writeWhole(holder: JsonObject, resolved: ResolvedAttribute, write: Write): void {
	const def = resolved.attribute;
	const label = labelOf(resolved);
	const value = coerceAttribute(def, write.value, label);
	const current = getCi(holder, def.name);
	if (value === undefined) {
		if (write.op === "replace") writeRemove(holder, resolved, undefined);
		return;
	}
	assertMutable(def, current, value, label);
	if (!def.multiValued) {
		if (def.type === "complex" && isJsonObject(current) && isJsonObject(value)) mergeInto(current, value);
		else setCanonical(holder, def.name, value);
		return;
	}
	const incoming = value as unknown[];
	if (write.op === "replace") {
		storeList(holder, def, incoming);
		enforceSinglePrimary(incoming, incoming);
		return;
	}
	const list = Array.isArray(current) ? current : [];
	const present = new Set(list.map(canonicalJson));
	const added = incoming.filter((item) => !present.has(canonicalJson(item)));
	assertRoom(def, list.length + added.length, label);
	list.push(...added);
	storeList(holder, def, list);
	enforceSinglePrimary(list, added);
}

function writeSubAttribute(
	holder: JsonObject,
	resolved: ResolvedAttribute,
	sub: AttributeDef,
	write: Write,
): void {
	const def = resolved.attribute;
	const label = labelOf(resolved);
	const value = coerceAttribute(sub, write.value, label);
	const current = getCi(holder, def.name);
	if (!def.multiValued) {
		const element = isJsonObject(current) ? current : {};
		setSub(element, sub, value, label);
		if (Object.keys(element).length === 0) deleteCi(holder, def.name);
		else setCanonical(holder, def.name, element);
		return;
	}
	const list = Array.isArray(current) ? current : [];
	if (list.length === 0 && value !== undefined) list.push({});
	for (const element of list) if (isJsonObject(element)) setSub(element, sub, value, label);
	storeList(
		holder,
		def,
		list.filter((element) => !isJsonObject(element) || Object.keys(element).length > 0),
	);
}

function writeFiltered(
	holder: JsonObject,
	resolved: ResolvedAttribute,
	filter: FilterNode,
	write: Write,
): void {
	const def = resolved.attribute;
	const sub = resolved.subAttribute;
	const label = labelOf(resolved);
	if (def.type !== "complex")
		throw new ScimError(400, "invalidPath", `"${def.name}" does not take a value filter.`);
	const elementDef: AttributeDef = { ...def, multiValued: false };
	const value = sub
		? coerceAttribute(sub, write.value, label)
		: coerceAttribute(elementDef, write.value, label);
	if (!sub && value !== undefined && !isJsonObject(value)) {
		throw new ScimError(400, "invalidValue", `"${label}" needs an object value.`);
	}
	const current = getCi(holder, def.name);
	const list = def.multiValued
		? Array.isArray(current)
			? current
			: []
		: current === undefined
			? []
			: [current];
	let touched = list.filter((element) => matchesElement(filter, element, def));
	if (touched.length === 0) {
		if (value === undefined) return;
		touched = [elementFromFilter(filter, def)];
		assertRoom(def, list.length + 1, label);
		list.push(...touched);
	}
	for (const element of touched) {
		if (!isJsonObject(element)) continue;
		if (sub) setSub(element, sub, value, label);
		else if (isJsonObject(value)) mergeInto(element, value);
	}
	const kept = list.filter((element) => !isJsonObject(element) || Object.keys(element).length > 0);
	if (!def.multiValued) {
		if (kept[0] === undefined) deleteCi(holder, def.name);
		else setCanonical(holder, def.name, kept[0]);
		return;
	}
	storeList(holder, def, kept);
	enforceSinglePrimary(kept, touched);
}

function removeListed(list: unknown[], value: unknown, def: AttributeDef): unknown[] {
	const listed = coerceAttribute(def, value, def.name);
	if (!Array.isArray(listed)) return list;
	return list.filter(
		(element) =>
			!listed.some(
				(item) =>
					isJsonObject(item) &&
					isJsonObject(element) &&
					Object.entries(item).every(([key, expected]) => {
						const actual = getCi(element, key);
						return typeof actual === "string" && typeof expected === "string"
							? actual.toLowerCase() === expected.toLowerCase()
							: jsonEqual(actual, expected);
					}),
			),
	);
}

function writeRemove(
	holder: JsonObject,
	resolved: ResolvedAttribute,
	value: unknown,
	filter?: FilterNode,
): void {
	const def = resolved.attribute;
	const sub = resolved.subAttribute;
	const current = getCi(holder, def.name);
	if (current === undefined) return;
	if (def.required && !sub && !filter) {
		throw new ScimError(400, "invalidValue", `"${def.name}" is required and cannot be removed.`);
	}
	if (def.mutability === "immutable") throw mutability(`Attribute "${def.name}" is immutable.`);
	if (filter || sub) {
		const write: Write = { op: "remove", value: undefined, filter, pathless: false };
		if (filter && !sub) {
			const list = def.multiValued && Array.isArray(current) ? current : [current];
			const kept = list.filter((element) => !matchesElement(filter, element, def));
			if (def.multiValued) storeList(holder, def, kept);
			else if (kept.length === 0) deleteCi(holder, def.name);
			return;
		}
		if (filter) writeFiltered(holder, resolved, filter, write);
		else if (sub) writeSubAttribute(holder, resolved, sub, write);
		return;
	}
	if (def.multiValued && Array.isArray(current) && value !== undefined) {
		storeList(holder, def, removeListed(current, value, def));
		return;
	}
	deleteCi(holder, def.name);
}

/** The attribute as this PATCH treats it: required also when the server always stores it (`PatchOptions.required`). */
function asRequiredBy(state: PatchState, resolved: ResolvedAttribute): ResolvedAttribute {
	const { attribute } = resolved;
	if (attribute.required || resolved.schema !== state.rt.schema) return resolved;
	if (!state.required.has(attribute.name.toLowerCase())) return resolved;
	return { ...resolved, attribute: { ...attribute, required: true } };
}

function applyToAttribute(state: PatchState, target: ResolvedAttribute, write: Write): void {
	const resolved = asRequiredBy(state, target);
	const def = resolved.attribute;
	const label = labelOf(resolved);
	const deltaName =
		resolved.canonical.uri === undefined ? state.deltaNames.get(def.name.toLowerCase()) : undefined;
	if (deltaName !== undefined) {
		const change = memberOperation(
			write.op,
			deltaName,
			write.value,
			write.filter,
			resolved.subAttribute?.name,
		);
		if (change) state.deltas[deltaName]?.push(change);
		return;
	}
	if (def.mutability === "writeOnly") {
		state.passwordSupplied ||= write.op !== "remove" && write.value !== null;
		return;
	}
	if (def.mutability === "readOnly") {
		const ownId = def.name === "id" && write.pathless && write.value === state.resource.id;
		if (ownId) return;
		throw mutability(`Attribute "${label}" is readOnly.`);
	}
	if (resolved.subAttribute?.mutability === "readOnly") return;
	const holder = holderOf(state.resource, resolved, write.op !== "remove");
	if (!holder) return;
	if (write.op === "remove") writeRemove(holder, resolved, write.value, write.filter);
	else if (write.filter) writeFiltered(holder, resolved, write.filter, write);
	else if (resolved.subAttribute) writeSubAttribute(holder, resolved, resolved.subAttribute, write);
	else writeWhole(holder, resolved, write);
}

function applyPath(state: PatchState, path: AttrPath, write: Write): void {
	const target = resolveTarget(state.rt, path);
	if (!target) return;
	if (target.kind === "attribute") {
		applyToAttribute(state, target.resolved, write);
		return;
	}
	if (write.op === "remove") {
		const key = findKey(state.resource, target.schema);
		if (key !== undefined) delete state.resource[key];
		return;
	}
	applyObject(state, write, target.schema);
}

function applyObject(state: PatchState, write: Write, schema: string | undefined): void {
	if (write.value === null || write.value === undefined) return;
	if (!isJsonObject(write.value)) {
		throw new ScimError(
			400,
			"invalidValue",
			`The value for "${schema ?? "the resource"}" must be an object.`,
		);
	}
	for (const [key, value] of Object.entries(write.value)) {
		const entry: Write = { ...write, value, filter: undefined, pathless: true };
		if (schema === undefined && key.toLowerCase() === "schemas") continue;
		const extension = schema === undefined ? findExtension(state.rt, key) : undefined;
		if (extension) {
			applyObject(state, entry, extension);
			continue;
		}
		const path = splitAttrPath(key);
		if (typeof path === "string" || (schema !== undefined && path.uri !== undefined)) continue;
		applyPath(state, schema === undefined ? path : { ...path, uri: schema }, entry);
	}
}

/**
 * Applies parsed PATCH operations (RFC 7644 §3.5.2) to a resource and returns a new one: the input is never
 * touched and the first bad operation throws, so a PATCH is atomic by construction. Follows the RFC, with
 * the leniency Entra and Okta need (see `shared/idp`): path-less values with dotted and URN keys, filtered
 * `add`/`replace` creating the element they name, "True"/"False" booleans, `manager` as a string, a group's
 * own `id` in a rename, unknown attributes ignored. Operations on `deltaAttributes` come back in `deltas`.
 */
export function applyPatch(
	resource: JsonObject,
	operations: PatchOperation[],
	rt: ResourceTypeDef,
	options: PatchOptions = {},
): PatchResult {
	const deltaNames = new Map<string, string>();
	const deltas: Record<string, MemberOp[]> = {};
	for (const name of options.deltaAttributes ?? []) {
		const canonical = resolveTarget(rt, { attr: name });
		const canonicalName = canonical?.kind === "attribute" ? canonical.resolved.attribute.name : name;
		deltaNames.set(canonicalName.toLowerCase(), canonicalName);
		deltas[canonicalName] = [];
	}
	const state: PatchState = {
		resource: structuredClone(resource),
		rt,
		deltas,
		deltaNames,
		required: new Set((options.required ?? []).map((name) => name.toLowerCase())),
		passwordSupplied: false,
	};
	for (const operation of operations) {
		const write: Write = {
			op: operation.op,
			value: operation.value,
			filter: operation.path?.filter,
			pathless: !operation.path,
		};
		if (operation.path) applyPath(state, operation.path.attribute, write);
		else applyObject(state, write, undefined);
	}
	for (const [name, changes] of Object.entries(deltas)) assertMembersPerRequest(name, changes);
	return { resource: withSchemas(state.resource, rt), deltas, passwordSupplied: state.passwordSupplied };
}
