import { ScimError } from "../errors.ts";
import { resolveAttribute, resolveSubAttribute } from "../schemas/resolve.ts";
import type { AttributeType, ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import type { AttrPath, CompareOp, FilterNode, FilterValue } from "./ast.ts";
import { type Instant, parseInstant } from "./datetime.ts";

/** Operators left after binding: `ne` becomes `not eq`, and comparisons with null become (not) present. */
export type BoundOp = Exclude<CompareOp, "ne">;

/** A literal already checked against the attribute's type; dateTimes carry both the text and the instant. */
export type BoundLiteral =
	| { type: "string"; value: string }
	| { type: "boolean"; value: boolean }
	| { type: "number"; value: number }
	| { type: "dateTime"; value: string; instant: Instant };

/** A filter whose paths are resolved against the schema and whose literals are typed. */
export type BoundFilter =
	| { kind: "compare"; target: ResolvedAttribute; op: BoundOp; literal: BoundLiteral; caseExact: boolean }
	| { kind: "present"; target: ResolvedAttribute }
	| { kind: "and" | "or"; left: BoundFilter; right: BoundFilter }
	| { kind: "not"; filter: BoundFilter }
	| { kind: "valuePath"; target: ResolvedAttribute; filter: BoundFilter };

const ORDERING: ReadonlySet<CompareOp> = new Set(["gt", "ge", "lt", "le"]);
const SUBSTRING: ReadonlySet<CompareOp> = new Set(["co", "sw", "ew"]);

function invalid(detail: string): never {
	throw new ScimError(400, "invalidFilter", detail);
}

function describe(path: AttrPath): string {
	return `${path.uri ? `${path.uri}:` : ""}${path.attr}${path.sub ? `.${path.sub}` : ""}`;
}

/** The type family a schema type compares as. */
export function comparisonType(type: AttributeType): BoundLiteral["type"] | "complex" {
	if (type === "boolean") return "boolean";
	if (type === "decimal" || type === "integer") return "number";
	if (type === "dateTime") return "dateTime";
	if (type === "complex") return "complex";
	return "string";
}

function bindLiteral(type: AttributeType, op: CompareOp, value: FilterValue, name: string): BoundLiteral {
	const family = comparisonType(type);
	if (SUBSTRING.has(op) && family !== "string")
		invalid(`"${op}" needs a string attribute; ${name} is ${type}`);
	if (ORDERING.has(op) && (family === "boolean" || type === "binary")) {
		invalid(`"${op}" cannot order ${type} attribute ${name}`);
	}
	if (family === "string" && typeof value === "string") return { type: "string", value };
	if (family === "boolean" && typeof value === "boolean") return { type: "boolean", value };
	if (family === "number" && typeof value === "number") return { type: "number", value };
	if (family === "dateTime" && typeof value === "string") {
		const instant = parseInstant(value);
		if (!instant) invalid(`${name} is a dateTime; "${value}" is not one (use e.g. 2024-01-31T12:00:00Z)`);
		return { type: "dateTime", value, instant };
	}
	return invalid(`${name} is ${type}; ${JSON.stringify(value)} is not a ${type} value`);
}

/** Points a comparison on a complex attribute at its `value` sub-attribute (`emails eq "x"`). */
function comparable(target: ResolvedAttribute, name: string): ResolvedAttribute {
	if (target.subAttribute || target.attribute.type !== "complex") return target;
	const value = target.attribute.subAttributes?.find((sub) => sub.name === "value");
	if (!value) invalid(`${name} is complex; compare one of its sub-attributes`);
	return { ...target, subAttribute: value, canonical: { ...target.canonical, sub: value.name } };
}

function bindNode(node: FilterNode, resolve: (path: AttrPath) => ResolvedAttribute | undefined): BoundFilter {
	switch (node.kind) {
		case "and":
		case "or":
			return { kind: node.kind, left: bindNode(node.left, resolve), right: bindNode(node.right, resolve) };
		case "not":
			return { kind: "not", filter: bindNode(node.filter, resolve) };
		case "present":
			return { kind: "present", target: resolveOrFail(node.path, resolve) };
		case "valuePath": {
			const target = resolveOrFail(node.path, resolve);
			if (target.subAttribute || !target.attribute.subAttributes) {
				invalid(`${describe(node.path)} is not a complex attribute and cannot take a value filter`);
			}
			const inner = (path: AttrPath) => resolveSubAttribute(target, path);
			return { kind: "valuePath", target, filter: bindNode(node.filter, inner) };
		}
		case "compare": {
			const name = describe(node.path);
			const resolved = resolveOrFail(node.path, resolve);
			if (node.value === null) {
				if (node.op !== "eq" && node.op !== "ne") invalid(`"${node.op}" cannot compare with null`);
				const present: BoundFilter = { kind: "present", target: resolved };
				return node.op === "eq" ? { kind: "not", filter: present } : present;
			}
			const target = comparable(resolved, name);
			const definition = target.subAttribute ?? target.attribute;
			const literal = bindLiteral(definition.type, node.op, node.value, name);
			const caseExact = definition.caseExact;
			if (node.op === "ne")
				return { kind: "not", filter: { kind: "compare", target, op: "eq", literal, caseExact } };
			return { kind: "compare", target, op: node.op, literal, caseExact };
		}
	}
}

function resolveOrFail(
	path: AttrPath,
	resolve: (path: AttrPath) => ResolvedAttribute | undefined,
): ResolvedAttribute {
	const target = resolve(path);
	if (!target) invalid(`Unknown attribute "${describe(path)}" in filter`);
	if (
		(target.subAttribute ?? target.attribute).returned === "never" ||
		target.attribute.returned === "never"
	) {
		invalid(`${describe(path)} cannot be used in a filter`);
	}
	return target;
}

/**
 * Resolves every path of a parsed filter against the resource type and types every literal, so the
 * evaluator and the SQL compiler share one reading of the filter. `ne` is bound as `not eq` and
 * `eq null` as `not pr` (docs/decisions/0030). Unknown attributes, write-only attributes and literals of the
 * wrong type (`active eq "yes"`, `meta.created gt 5`) are `ScimError(400, "invalidFilter")`.
 */
export function bindFilter(node: FilterNode, rt: ResourceTypeDef): BoundFilter {
	return bindNode(node, (path) => resolveAttribute(rt, path));
}

/** Binds a filter whose paths are relative to the complex attribute `parent` (the inside of `emails[…]`). */
export function bindElementFilter(node: FilterNode, parent: ResolvedAttribute): BoundFilter {
	if (parent.subAttribute || !parent.attribute.subAttributes) {
		invalid(`${parent.attribute.name} is not a complex attribute and cannot take a value filter`);
	}
	return bindNode(node, (path) => resolveSubAttribute(parent, path));
}
