import { ScimError } from "../errors.ts";
import type { AttrPath, FilterNode } from "../filter/ast.ts";
import { parseAttrPath, splitAttributeList } from "../filter/attr-path.ts";
import { createElementPredicate } from "../filter/evaluate.ts";
import { parseFilter } from "../filter/parse.ts";
import { INPUT_LIMITS } from "../limits.ts";
import { resolveAttribute } from "../schemas/resolve.ts";
import type { AttributeDef, ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import { type InputSyntax, liberalSyntax } from "../syntax.ts";
import { isJsonObject, type JsonObject } from "./json.ts";
import { findExtension, resolveTarget } from "./locate.ts";

/** The `attributes` / `excludedAttributes` query parameters, as sent (comma-separated lists). */
export interface ProjectionOptions {
	attributes?: string | undefined;
	excludedAttributes?: string | undefined;
}

/** One entry of an attribute list: a path, with the value filter of `emails[type eq "work"]` when given. */
export type AttributeSelector = AttrPath & { filter?: FilterNode };

interface Selection {
	schema: string;
	attribute?: string;
	sub?: string;
	/** Set for a value filter: only the values it matches are selected. */
	matches?: (element: unknown) => boolean;
}

function parseSelector(
	entry: string,
	syntax: Pick<InputSyntax, "attributeFilters" | "bareValues">,
): AttributeSelector {
	const open = entry.indexOf("[");
	if (open === -1) return parseAttrPath(entry);
	const close = entry.lastIndexOf("]");
	const after = entry.slice(close + 1);
	const invalid = (detail: string) => new ScimError(400, "invalidPath", `"${entry}" ${detail}`);
	if (!syntax.attributeFilters) throw invalid("has a value filter, which attribute lists do not take");
	if (close < open || (after !== "" && !after.startsWith(".")))
		throw invalid("is not attr[filter] or attr[filter].sub");
	const path = parseAttrPath(entry.slice(0, open));
	if (path.sub !== undefined)
		throw invalid("filters a sub-attribute; a value filter applies to an attribute");
	const { sub } = after === "" ? {} : parseAttrPath(`${path.attr}${after}`);
	return {
		...path,
		...(sub !== undefined ? { sub } : {}),
		filter: parseFilter(entry.slice(open + 1, close), {}, syntax),
	};
}

/**
 * Parses an `attributes` / `excludedAttributes` list (RFC 7644 §3.9); an absent or blank parameter is an
 * empty list, a malformed name a 400 invalidPath. Beyond the RFC, an entry may carry a value filter
 * (`emails[type eq "work"]`, `emails[type eq "work"].value`) that selects only the values it matches; strict
 * `syntax` refuses it.
 */
export function parseAttributeList(
	text: string | undefined,
	syntax: Pick<InputSyntax, "attributeFilters" | "bareValues"> = liberalSyntax,
): AttributeSelector[] {
	if (text !== undefined && text.length > INPUT_LIMITS.maxAttributeListLength) {
		const limit = INPUT_LIMITS.maxAttributeListLength;
		throw new ScimError(400, "invalidPath", `An attribute list is longer than ${limit} characters.`);
	}
	return text === undefined ? [] : splitAttributeList(text).map((entry) => parseSelector(entry, syntax));
}

/** The distinct attributes a list names (at most the schema's), so a repetitive list costs no more per resource. */
function toSelections(rt: ResourceTypeDef, text: string | undefined): Selection[] {
	const selections: Selection[] = [];
	const seen = new Set<string>();
	for (const selector of parseAttributeList(text)) {
		const { uri, attr, sub, filter: selectorFilter } = selector;
		const key = JSON.stringify([`${uri ?? ""}:${attr}.${sub ?? ""}`.toLowerCase(), selectorFilter ?? null]);
		if (seen.has(key)) continue;
		seen.add(key);
		const target = resolveTarget(rt, selector);
		if (target?.kind === "extension") selections.push({ schema: target.schema });
		else if (target) {
			const { schema, attribute, subAttribute } = target.resolved;
			const { filter } = selector;
			selections.push({
				schema,
				attribute: attribute.name,
				...(subAttribute ? { sub: subAttribute.name } : {}),
				...(filter
					? { matches: createElementPredicate(filter, { ...target.resolved, subAttribute: undefined }) }
					: {}),
			});
		}
	}
	return selections;
}

/** The selections of `attributes`, or undefined when it is absent or blank (everything `default` is returned). */
function includeSelections(rt: ResourceTypeDef, options: ProjectionOptions): Selection[] | undefined {
	const selections = toSelections(rt, options.attributes);
	return options.attributes !== undefined && options.attributes.trim() !== "" ? selections : undefined;
}

/**
 * "all" when the whole attribute is selected, the selected sub-attribute names, or undefined for none;
 * `counts` says which value-filtered selections apply (the element at hand, or any element).
 */
function selected(
	selections: Selection[],
	schema: string,
	def: AttributeDef,
	counts: (selection: Selection) => boolean,
): "all" | Set<string> | undefined {
	const subs = new Set<string>();
	for (const selection of selections) {
		if (selection.schema !== schema) continue;
		if (selection.attribute === undefined) return "all";
		if (selection.attribute !== def.name || !counts(selection)) continue;
		if (selection.sub === undefined) return "all";
		subs.add(selection.sub);
	}
	return subs.size > 0 ? subs : undefined;
}

type KeepSub = (sub: AttributeDef) => boolean;

/**
 * Keeps each value (each element of a multi-valued attribute) with the sub-attributes `shape` keeps for it;
 * a value `shape` refuses, or left without sub-attributes, is dropped, and so is a list left empty.
 */
function keepValues(
	value: unknown,
	def: AttributeDef,
	shape: (element: unknown) => KeepSub | undefined,
): unknown {
	if (def.type !== "complex") return shape(value) === undefined ? undefined : value;
	const pick = (element: unknown): unknown => {
		const keep = shape(element);
		if (!keep) return undefined;
		if (!isJsonObject(element)) return element;
		const picked: JsonObject = {};
		for (const [key, item] of Object.entries(element)) {
			const sub = def.subAttributes?.find((candidate) => candidate.name === key);
			if (!sub || keep(sub)) picked[key] = item;
		}
		return Object.keys(picked).length === 0 ? undefined : picked;
	};
	if (!Array.isArray(value)) return pick(value);
	const list = value.map(pick).filter((element) => element !== undefined);
	return list.length === 0 ? undefined : list;
}

const notNever: KeepSub = (sub) => sub.returned !== "never";
const notNeverNorRequest: KeepSub = (sub) => sub.returned !== "never" && sub.returned !== "request";

function hasKeys(object: JsonObject): boolean {
	for (const _ in object) return true;
	return false;
}

/**
 * Whether `keepValues` would return a complex value unchanged when `keep` keeps every sub-attribute it
 * has: each element an object with keys, or not an object at all, and a list not empty.
 */
function keptWhole(value: unknown): boolean {
	if (!Array.isArray(value)) return !isJsonObject(value) || hasKeys(value);
	if (value.length === 0) return false;
	for (const element of value) if (isJsonObject(element) && !hasKeys(element)) return false;
	return true;
}

/**
 * `projectAttribute` without `attributes` or `excludedAttributes`, the shape of nearly every IdP request:
 * `returned` alone decides, and a value none of whose sub-attributes `returned` drops is kept as it is
 * instead of copied element by element.
 */
function projectDefault(def: AttributeDef, value: unknown): unknown {
	if (def.returned === "never" || def.returned === "request") return undefined;
	const keep = def.returned === "always" ? notNever : notNeverNorRequest;
	if (def.type !== "complex") return value;
	if (keptWhole(value) && (def.subAttributes ?? []).every(keep)) return value;
	return keepValues(value, def, () => keep);
}

function projectAttribute(
	def: AttributeDef,
	schema: string,
	value: unknown,
	include: Selection[] | undefined,
	exclude: Selection[],
): unknown {
	if (!include && exclude.length === 0) return projectDefault(def, value);
	if (def.returned === "never") return undefined;
	if (def.returned === "always") return keepValues(value, def, () => notNever);
	return keepValues(value, def, (element) => {
		const counts = (selection: Selection) => selection.matches?.(element) ?? true;
		const wanted = include
			? selected(include, schema, def, counts)
			: def.returned === "request"
				? undefined
				: "all";
		if (wanted === undefined) return undefined;
		const unwanted = selected(exclude, schema, def, counts);
		if (unwanted === "all") return undefined;
		return (sub) =>
			notNever(sub) &&
			(sub.returned === "always" ||
				((wanted === "all" ? sub.returned !== "request" : wanted.has(sub.name)) && !unwanted?.has(sub.name)));
	});
}

const MAX_RESOLVED_KEYS = 1024;
const resolvedKeys = new WeakMap<ResourceTypeDef, Map<string, Map<string, ResolvedAttribute | null>>>();

/**
 * `resolveAttribute` for a key of a stored resource (`schema` its extension's URN or the core schema),
 * remembered per resource type and schema: the same dozen keys come back in every resource of every
 * response. At most `MAX_RESOLVED_KEYS` per schema are kept (then it starts over): stored keys are the client's.
 */
function attributeOf(rt: ResourceTypeDef, schema: string, key: string): ResolvedAttribute | undefined {
	let bySchema = resolvedKeys.get(rt);
	if (!bySchema) {
		bySchema = new Map();
		resolvedKeys.set(rt, bySchema);
	}
	let known = bySchema.get(schema);
	if (!known) {
		known = new Map();
		bySchema.set(schema, known);
	}
	let resolved = known.get(key);
	if (resolved === undefined) {
		const uri = schema === rt.schema ? undefined : schema;
		resolved = resolveAttribute(rt, { ...(uri ? { uri } : {}), attr: key }) ?? null;
		if (known.size >= MAX_RESOLVED_KEYS) known.clear();
		known.set(key, resolved);
	}
	return resolved ?? undefined;
}

function projectObject(
	object: JsonObject,
	rt: ResourceTypeDef,
	schema: string,
	include: Selection[] | undefined,
	exclude: Selection[],
): JsonObject {
	const out: JsonObject = {};
	for (const [key, value] of Object.entries(object)) {
		const resolved = attributeOf(rt, schema, key);
		if (!resolved || resolved.schema !== schema) {
			if (!include) out[key] = value;
			continue;
		}
		const projected = projectAttribute(resolved.attribute, schema, value, include, exclude);
		if (projected !== undefined) out[key] = projected;
	}
	return out;
}

/**
 * Shapes a stored resource for a response per RFC 7644 §3.4.2.5 and RFC 7643 §2.2 `returned`: `id` and
 * `schemas` always stay, `never` (password) never appears, `request` only when named in `attributes`;
 * `attributes` keeps only what it names (down to sub-attributes, URN-qualified or not, in any case) and
 * `excludedAttributes` drops what it names, so `excludedAttributes=members` gives Entra its member-less group.
 * A value filter narrows either to the values it matches (`attributes=emails[type eq "work"]` returns the work
 * emails only). `meta` is `returned: default` as RFC 7643 §3.1 leaves it, so `attributes=userName` omits it.
 */
export function project(
	resource: JsonObject,
	rt: ResourceTypeDef,
	options: ProjectionOptions = {},
): JsonObject {
	const include = includeSelections(rt, options);
	const exclude = toSelections(rt, options.excludedAttributes);
	const schemas: JsonObject = {};
	const core: JsonObject = {};
	const extensions: JsonObject = {};
	for (const [key, value] of Object.entries(resource)) {
		const extension = findExtension(rt, key);
		if (key.length === 7 && key.toLowerCase() === "schemas") schemas.schemas = value;
		else if (!extension) core[key] = value;
		else if (isJsonObject(value)) {
			const projected = projectObject(value, rt, extension, include, exclude);
			if (Object.keys(projected).length > 0) extensions[extension] = projected;
		}
	}
	return Object.assign(schemas, projectObject(core, rt, rt.schema, include, exclude), extensions);
}

/**
 * Whether a response shaped by `options` can carry the attribute at `path` (any case, URN-qualified or not),
 * judged by the same rules as `project`: callers use it to skip reading what the response would drop (a
 * user's groups, a group's members). A value-filtered selection counts, since some values may match.
 */
export function projectsAttribute(rt: ResourceTypeDef, options: ProjectionOptions, path: AttrPath): boolean {
	const resolved = resolveAttribute(rt, path);
	if (!resolved || resolved.attribute.returned === "never") return false;
	const { schema, attribute } = resolved;
	if (attribute.returned === "always") return true;
	const include = includeSelections(rt, options);
	const wanted = include
		? selected(include, schema, attribute, () => true)
		: attribute.returned === "request"
			? undefined
			: "all";
	return (
		wanted !== undefined &&
		selected(
			toSelections(rt, options.excludedAttributes),
			schema,
			attribute,
			(selection) => selection.matches === undefined,
		) !== "all"
	);
}
