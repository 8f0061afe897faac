import { ScimError } from "../errors.ts";
import type { AttrPath } from "../filter/ast.ts";
import { parseAttrPathList } from "../filter/attr-path.ts";
import { INPUT_LIMITS } from "../limits.ts";
import { resolveAttribute } from "../schemas/resolve.ts";
import type { AttributeDef, ResourceTypeDef } from "../schemas/types.ts";
import { isJsonObject, type JsonObject } from "./json.ts";
import { findExtension, resolveTarget } from "./locate.ts";

/** The `attributes` / `excludedAttributes` query parameters, as sent (comma-separated lists). */
export interface ProjectionOptions {
	attributes?: string | undefined;
	excludedAttributes?: string | undefined;
}

interface Selection {
	schema: string;
	attribute?: string;
	sub?: string;
}

/**
 * Parses an `attributes` / `excludedAttributes` list (RFC 7644 §3.9); an absent or blank parameter is an
 * empty list, a malformed name a 400 invalidPath.
 */
export function parseAttributeList(text: string | undefined): AttrPath[] {
	if (text !== undefined && text.length > INPUT_LIMITS.maxAttributeListLength) {
		const limit = INPUT_LIMITS.maxAttributeListLength;
		throw new ScimError(400, "invalidPath", `An attribute list is longer than ${limit} characters.`);
	}
	return text === undefined ? [] : parseAttrPathList(text);
}

/** The distinct attributes a list names (at most the schema's), so a repetitive list costs no more per resource. */
function toSelections(rt: ResourceTypeDef, text: string | undefined): Selection[] {
	const selections: Selection[] = [];
	const seen = new Set<string>();
	for (const path of parseAttributeList(text)) {
		const key = `${path.uri ?? ""}:${path.attr}.${path.sub ?? ""}`.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		const target = resolveTarget(rt, path);
		if (target?.kind === "extension") selections.push({ schema: target.schema });
		else if (target) {
			const { schema, attribute, subAttribute } = target.resolved;
			selections.push({
				schema,
				attribute: attribute.name,
				...(subAttribute ? { sub: subAttribute.name } : {}),
			});
		}
	}
	return selections;
}

/** "all" when the whole attribute is selected, the selected sub-attribute names, or undefined for none. */
function selected(
	selections: Selection[],
	schema: string,
	def: AttributeDef,
): "all" | Set<string> | undefined {
	const subs = new Set<string>();
	for (const selection of selections) {
		if (selection.schema !== schema) continue;
		if (selection.attribute === undefined) return "all";
		if (selection.attribute !== def.name) continue;
		if (selection.sub === undefined) return "all";
		subs.add(selection.sub);
	}
	return subs.size > 0 ? subs : undefined;
}

function keepSubs(value: unknown, def: AttributeDef, keep: (sub: AttributeDef) => boolean): unknown {
	if (def.type !== "complex") return value;
	const pick = (element: unknown): unknown => {
		if (!isJsonObject(element)) return element;
		const picked: JsonObject = {};
		for (const [key, item] of Object.entries(element)) {
			const sub = def.subAttributes?.find((candidate) => candidate.name === key);
			if (!sub || keep(sub)) picked[key] = item;
		}
		return picked;
	};
	const isEmpty = (element: unknown) => isJsonObject(element) && Object.keys(element).length === 0;
	if (!Array.isArray(value)) {
		const picked = pick(value);
		return isEmpty(picked) ? undefined : picked;
	}
	const list = value.map(pick).filter((element) => !isEmpty(element));
	return list.length === 0 ? undefined : list;
}

function projectAttribute(
	def: AttributeDef,
	schema: string,
	value: unknown,
	include: Selection[] | undefined,
	exclude: Selection[],
): unknown {
	if (def.returned === "never") return undefined;
	const notNever = (sub: AttributeDef) => sub.returned !== "never";
	if (def.returned === "always") return keepSubs(value, def, notNever);
	const wanted = include ? selected(include, schema, def) : def.returned === "request" ? undefined : "all";
	if (wanted === undefined) return undefined;
	const unwanted = selected(exclude, schema, def);
	if (unwanted === "all") return undefined;
	return keepSubs(
		value,
		def,
		(sub) =>
			notNever(sub) &&
			(sub.returned === "always" ||
				((wanted === "all" ? sub.returned !== "request" : wanted.has(sub.name)) && !unwanted?.has(sub.name))),
	);
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
		const uri = schema === rt.schema ? undefined : schema;
		const resolved = resolveAttribute(rt, { ...(uri ? { uri } : {}), attr: key });
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
 * `meta` is `returned: default` as RFC 7643 §3.1 leaves it, so `attributes=userName` omits it.
 */
export function project(
	resource: JsonObject,
	rt: ResourceTypeDef,
	options: ProjectionOptions = {},
): JsonObject {
	const includeList = toSelections(rt, options.attributes);
	const include =
		options.attributes !== undefined && options.attributes.trim() !== "" ? includeList : undefined;
	const exclude = toSelections(rt, options.excludedAttributes);
	const schemas: JsonObject = {};
	const core: JsonObject = {};
	const extensions: JsonObject = {};
	for (const [key, value] of Object.entries(resource)) {
		const extension = findExtension(rt, key);
		if (key.toLowerCase() === "schemas") schemas.schemas = value;
		else if (!extension) core[key] = value;
		else if (isJsonObject(value)) {
			const projected = projectObject(value, rt, extension, include, exclude);
			if (Object.keys(projected).length > 0) extensions[extension] = projected;
		}
	}
	return { ...schemas, ...projectObject(core, rt, rt.schema, include, exclude), ...extensions };
}
