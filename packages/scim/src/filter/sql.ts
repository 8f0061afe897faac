import { type Placeholder, type SQL, sql } from "drizzle-orm";
import { ScimError } from "../errors.ts";
import type { ResolvedAttribute, ResourceTypeDef } from "../schemas/types.ts";
import { isUuid } from "../uuid.ts";
import type { CompareOp, FilterNode, FilterValue } from "./ast.ts";
import { type BoundFilter, type BoundLiteral, type BoundOp, bindFilter, comparisonType } from "./bind.ts";
import { DATE_TIME_PATTERN } from "./datetime.ts";

/**
 * Where the caller keeps an attribute; types come from the schema, and `caseExact` may override the schema's
 * (e.g. a column with a case-insensitive collation).
 * - `column`: a plain column; `format: "uuid"` for uuid columns, compared in any letter case (as PostgreSQL
 *   reads a uuid) and never cast from a literal that is not one. `substring`, when given, matches the
 *   case-insensitive `co`/`sw`/`ew` instead of `lower(column) LIKE`: it receives the folded LIKE pattern
 *   (escape `\`) and returns a condition that is never NULL (e.g. through a trigram index elsewhere).
 * - `json`: a jsonb expression holding exactly the resolved path's value (e.g. `attributes->'name'->'givenName'`).
 * - `jsonArray`: a jsonb array of a multi-valued attribute; sub-attributes are read from each element.
 * - `custom`: anything else (e.g. `members.value` through a join table). It receives `eq`, ordering and
 *   substring operators and `pr`, never `ne` or null (those arrive already rewritten as `not`), and must
 *   return a condition that is never NULL.
 */
export type Field =
	| { kind: "column"; sql: SQL; caseExact?: boolean; format?: "uuid"; substring?: (pattern: SQL) => SQL }
	| { kind: "json"; sql: SQL; caseExact?: boolean }
	| { kind: "jsonArray"; sql: SQL }
	| {
			kind: "custom";
			compile: (op: Exclude<CompareOp, "ne"> | "pr", value: FilterValue, sub?: string) => SQL;
	  };

/** Maps a resolved attribute to its storage; undefined means the attribute cannot be filtered on. */
export type FieldResolver = (attr: ResolvedAttribute) => Field | undefined;

const ELEMENT = sql.raw("scim_element.value");

function unsupported(detail: string): never {
	throw new ScimError(400, "invalidFilter", detail);
}

function pathName(target: ResolvedAttribute): string {
	const { uri, attr, sub } = target.canonical;
	return `${uri ? `${uri}:` : ""}${attr}${sub ? `.${sub}` : ""}`;
}

function likePattern(op: "co" | "sw" | "ew", value: string): string {
	const escaped = value.replace(/[\\%_]/g, (char) => `\\${char}`);
	if (op === "co") return `%${escaped}%`;
	return op === "sw" ? `${escaped}%` : `%${escaped}`;
}

const ORDER_SQL: Record<Exclude<BoundOp, "co" | "sw" | "ew">, SQL> = {
	eq: sql.raw("="),
	gt: sql.raw(">"),
	ge: sql.raw(">="),
	lt: sql.raw("<"),
	le: sql.raw("<="),
};

function folded(expr: SQL, caseExact: boolean): SQL {
	return caseExact ? expr : sql`lower(${expr})`;
}

/** Text equality; the value is a literal or a prepared statement's placeholder (`compileKeyEquals`). */
function textEquals(text: SQL, value: string | Placeholder, caseExact: boolean): SQL {
	return sql`${folded(text, caseExact)} = ${folded(sql`${value}::text`, caseExact)}`;
}

/** A text comparison; case-insensitive ones use `lower()` on both sides so a `lower(column)` index applies. */
function compareText(text: SQL, op: BoundOp, value: string, caseExact: boolean): SQL {
	const fold = (expr: SQL) => folded(expr, caseExact);
	if (op === "co" || op === "sw" || op === "ew") {
		return sql`${fold(text)} LIKE ${fold(sql`${likePattern(op, value)}::text`)} ESCAPE '\\'`;
	}
	if (op === "eq") return textEquals(text, value, caseExact);
	return sql`${fold(text)} COLLATE "C" ${ORDER_SQL[op]} ${fold(sql`${value}::text`)}`;
}

function compareOrdered(expr: SQL, op: BoundOp, literal: SQL): SQL {
	if (op === "co" || op === "sw" || op === "ew") return unsupported(`"${op}" needs a string attribute`);
	return sql`${expr} ${ORDER_SQL[op]} ${literal}`;
}

function literalSql(literal: BoundLiteral): SQL {
	if (literal.type === "number") return sql`${String(literal.value)}::numeric`;
	if (literal.type === "dateTime") return sql`${literal.value}::timestamptz`;
	if (literal.type === "boolean") return sql`${literal.value}::boolean`;
	return sql`${literal.value}::text`;
}

type ColumnField = Extract<Field, { kind: "column" }>;

/** A column condition that is false, never NULL, where the column is NULL (so `not` stays exact). */
function guarded(field: ColumnField, condition: SQL): SQL {
	return sql`(${field.sql} IS NOT NULL AND ${condition})`;
}

function columnCompare(field: ColumnField, filter: Extract<BoundFilter, { kind: "compare" }>): SQL {
	const { op, literal } = filter;
	const caseExact = field.caseExact ?? filter.caseExact;
	const guard = (condition: SQL) => guarded(field, condition);
	if (literal.type === "string") {
		if (field.format === "uuid") {
			const value = literal.value.toLowerCase();
			if (op === "eq" && isUuid(value)) return guard(sql`${field.sql} = ${value}::uuid`);
			return guard(compareText(sql`${field.sql}::text`, op, value, caseExact));
		}
		if (field.substring && !caseExact && (op === "co" || op === "sw" || op === "ew")) {
			return guard(field.substring(sql`lower(${likePattern(op, literal.value)}::text)`));
		}
		return guard(compareText(field.sql, op, literal.value, caseExact));
	}
	return guard(compareOrdered(field.sql, op, literalSql(literal)));
}

/** A comparison on a jsonb value: values of another JSON type never match, and casts are guarded by CASE. */
function jsonCompare(json: SQL, op: BoundOp, literal: BoundLiteral, caseExact: boolean): SQL {
	const text = sql`(${json} #>> '{}')`;
	const isString = sql`jsonb_typeof(${json}) = 'string'`;
	switch (literal.type) {
		case "string":
			return sql`coalesce(${isString} AND ${compareText(text, op, literal.value, caseExact)}, false)`;
		case "boolean":
			return sql`coalesce(${json} = ${JSON.stringify(literal.value)}::jsonb, false)`;
		case "number": {
			const number = sql`CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END`;
			return sql`coalesce(${compareOrdered(number, op, literalSql(literal))}, false)`;
		}
		case "dateTime": {
			const instant = sql`CASE WHEN ${isString} AND ${text} ~ ${DATE_TIME_PATTERN}::text THEN ${text}::timestamptz END`;
			return sql`coalesce(${compareOrdered(instant, op, literalSql(literal))}, false)`;
		}
	}
}

/** RFC `pr` on jsonb, matching the evaluator's `isPresent`: not null and not an empty string, array or object. */
function jsonPresent(json: SQL): SQL {
	return sql`coalesce(jsonb_typeof(${json}) <> 'null' AND ${json} NOT IN ('""'::jsonb, '[]'::jsonb, '{}'::jsonb), false)`;
}

function arrayElements(array: SQL): SQL {
	return sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) AS scim_element`;
}

function exists(array: SQL, condition: SQL): SQL {
	return sql`EXISTS (SELECT 1 FROM ${arrayElements(array)} WHERE ${condition})`;
}

function member(element: SQL, name: string): SQL {
	return sql`(${element} -> ${name}::text)`;
}

/** The jsonb value a leaf reads inside an array element or a complex value: a sub-attribute, or the element. */
function elementValue(element: SQL, target: ResolvedAttribute): SQL {
	return target.subAttribute ? member(element, target.subAttribute.name) : element;
}

function jsonLeaf(json: SQL, filter: Extract<BoundFilter, { kind: "compare" | "present" }>): SQL {
	if (filter.kind === "present") return jsonPresent(json);
	return jsonCompare(json, filter.op, filter.literal, filter.caseExact);
}

function compileLeaf(
	filter: Extract<BoundFilter, { kind: "compare" | "present" }>,
	fields: FieldResolver,
): SQL {
	const field = fields(filter.target);
	const name = pathName(filter.target);
	if (!field) return unsupported(`Filtering on ${name} is not supported`);
	switch (field.kind) {
		case "column":
			if (filter.kind === "present") {
				const type = comparisonType((filter.target.subAttribute ?? filter.target.attribute).type);
				if (type === "string" && !field.format) return sql`(${field.sql} IS NOT NULL AND ${field.sql} <> '')`;
				return sql`(${field.sql} IS NOT NULL)`;
			}
			return columnCompare(field, filter);
		case "json":
			if (filter.kind === "compare" && field.caseExact !== undefined) {
				return jsonCompare(field.sql, filter.op, filter.literal, field.caseExact);
			}
			return jsonLeaf(field.sql, filter);
		case "jsonArray":
			return exists(field.sql, jsonLeaf(elementValue(ELEMENT, filter.target), filter));
		case "custom":
			return filter.kind === "present"
				? field.compile("pr", null, filter.target.subAttribute?.name)
				: field.compile(filter.op, filter.literal.value, filter.target.subAttribute?.name);
	}
}

/** Compiles the inside of `attr[…]` against one element (`element`), reading sub-attributes from it. */
function compileElement(filter: BoundFilter, element: SQL): SQL {
	switch (filter.kind) {
		case "and":
		case "or":
			return joinChain(filter, (part) => compileElement(part, element));
		case "not":
			return sql`(NOT ${compileElement(filter.filter, element)})`;
		case "present":
		case "compare":
			return jsonLeaf(elementValue(element, filter.target), filter);
		case "valuePath":
			return unsupported("value filters cannot be nested");
	}
}

/** A custom field can take `attr[a eq 1 or b eq 2]` (each leaf on its own), but not `and`/`not` inside. */
function compileCustomElement(
	filter: BoundFilter,
	field: Extract<Field, { kind: "custom" }>,
	name: string,
): SQL {
	switch (filter.kind) {
		case "or":
			return joinChain(filter, (part) => compileCustomElement(part, field, name));
		case "present":
			return field.compile("pr", null, filter.target.subAttribute?.name);
		case "compare":
			return field.compile(filter.op, filter.literal.value, filter.target.subAttribute?.name);
		default:
			return unsupported(`Only "or" of comparisons is supported inside ${name}[…]`);
	}
}

function compileValuePath(filter: Extract<BoundFilter, { kind: "valuePath" }>, fields: FieldResolver): SQL {
	const field = fields(filter.target);
	const name = pathName(filter.target);
	if (!field) return unsupported(`Filtering on ${name} is not supported`);
	switch (field.kind) {
		case "jsonArray":
			return exists(field.sql, compileElement(filter.filter, ELEMENT));
		case "json":
			return sql`coalesce(jsonb_typeof(${field.sql}) = 'object' AND ${compileElement(filter.filter, field.sql)}, false)`;
		case "custom":
			return compileCustomElement(filter.filter, field, name);
		case "column":
			return unsupported(`Filtering on ${name}[…] is not supported`);
	}
}

/** Flattens `a and b and c` into one `(a AND b AND c)` so long chains do not nest deeply in SQL. */
function joinChain(
	filter: Extract<BoundFilter, { kind: "and" | "or" }>,
	compile: (part: BoundFilter) => SQL,
): SQL {
	const parts: BoundFilter[] = [];
	const stack: BoundFilter[] = [filter];
	while (stack.length > 0) {
		const part = stack.pop() as BoundFilter;
		if (part.kind === filter.kind) stack.push(part.right, part.left);
		else parts.push(part);
	}
	const keyword = sql.raw(filter.kind === "and" ? " AND " : " OR ");
	return sql`(${sql.join(parts.map(compile), keyword)})`;
}

function compileBound(filter: BoundFilter, fields: FieldResolver): SQL {
	switch (filter.kind) {
		case "and":
		case "or":
			return joinChain(filter, (part) => compileBound(part, fields));
		case "not":
			return sql`(NOT ${compileBound(filter.filter, fields)})`;
		case "present":
		case "compare":
			return compileLeaf(filter, fields);
		case "valuePath":
			return compileValuePath(filter, fields);
	}
}

/**
 * Compiles a parsed filter to a drizzle SQL condition for a `WHERE` clause, so filtering, counting and paging
 * all happen in the database. Every literal is a bound parameter; casts are guarded so stored data of an
 * unexpected shape never makes the query fail; the result is never NULL, so `not` is exact. Semantics match
 * `evaluateFilter` (docs/decisions/0030). Throws `ScimError(400, "invalidFilter")` for attributes `fields`
 * does not map and for filters that do not fit the schema.
 */
export function compileFilter(node: FilterNode, rt: ResourceTypeDef, fields: FieldResolver): SQL {
	return compileBound(bindFilter(node, rt), fields);
}

/**
 * The condition `compileFilter` produces for `<attribute> eq "<value>"` on a text column, with the value left
 * as `value`, a `sql.placeholder(…)`: prepared statements answer the lookups IdPs send before every create
 * (`userName eq`, `externalId eq`, `displayName eq`) with the general path's semantics, case folding included.
 * Throws at preparation for an attribute that is not a plain text column (a programming error, not input).
 */
export function compileKeyEquals(
	attribute: string,
	rt: ResourceTypeDef,
	fields: FieldResolver,
	value: Placeholder,
): SQL {
	const bound = bindFilter({ kind: "compare", path: { attr: attribute }, op: "eq", value: "" }, rt);
	const field =
		bound.kind === "compare" && bound.literal.type === "string" ? fields(bound.target) : undefined;
	if (bound.kind !== "compare" || field?.kind !== "column" || field.format !== undefined) {
		throw new Error(`${rt.name}.${attribute} is not a text column`);
	}
	return guarded(field, textEquals(field.sql, value, field.caseExact ?? bound.caseExact));
}
