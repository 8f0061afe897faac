import { createHmac } from "node:crypto";
import {
	type AttrPath,
	type FieldResolver,
	type FilterNode,
	type InputSyntax,
	type JsonObject,
	parseAttributeList,
	parseAttrPath,
	parseFilter,
	type ResourceTypeDef,
	resolveAttribute,
	ScimError,
} from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import { secretsEqual } from "../security/tokens.ts";

/** Paging bounds of every list and search; `/ServiceProviderConfig` advertises them (`SCIM_LIMITS`). */
export const LIST_LIMITS = {
	/** Largest page a list or search returns (`filter.maxResults`). */
	maxResults: 1000,
	/** Page size when the client does not send `count`. */
	defaultCount: 100,
	/** Largest `startIndex` honoured; past it every list is empty anyway, and offsets stay exact integers. */
	maxStartIndex: 2 ** 31 - 1,
} as const;

/** A list or search request (RFC 7644 §3.4.2-3.4.3, RFC 9865), from query parameters or a `.search` body. */
export interface ListQuery {
	filter: FilterNode | undefined;
	startIndex: number;
	count: number;
	sortBy: AttrPath | undefined;
	descending: boolean;
	attributes: string | undefined;
	excludedAttributes: string | undefined;
	/** Set when the client asked for cursor pagination; the offset comes from the decoded cursor. */
	cursor: { fingerprint: string } | undefined;
}

type Params = Record<string, unknown>;

/** Parameters by lower-cased name; the first spelling wins when a client sends a name twice. */
type ParamsByName = Map<string, unknown>;

function byLowerCaseName(params: Params): ParamsByName {
	const found: ParamsByName = new Map();
	for (const [key, value] of Object.entries(params)) {
		const name = key.toLowerCase();
		if (!found.has(name)) found.set(name, value);
	}
	return found;
}

function param(params: ParamsByName, name: string): unknown {
	return params.get(name.toLowerCase());
}

function text(params: ParamsByName, name: string): string | undefined {
	const value = param(params, name);
	if (value === undefined || value === null) return undefined;
	if (Array.isArray(value)) return value.map(String).join(",");
	if (typeof value === "string" || typeof value === "number") return String(value);
	throw new ScimError(400, "invalidValue", `"${name}" must be a string.`);
}

/** An integer parameter clamped into [min, max] (RFC 7644 §3.4.2.4 reads out-of-range values, never refuses them). */
function integer(params: ParamsByName, name: string, min: number, max: number): number | undefined {
	const raw = text(params, name);
	if (raw === undefined || raw.trim() === "") return undefined;
	if (!/^-?\d+$/.test(raw.trim())) throw new ScimError(400, "invalidValue", `"${name}" must be an integer.`);
	return Math.min(Math.max(Number(raw), min), max);
}

const CURSOR_TTL_MS = 3_600_000;

function sign(payload: string, secret: string): string {
	return createHmac("sha256", secret).update(`scim-cursor:${payload}`).digest("base64url").slice(0, 22);
}

/** An opaque, signed cursor: the next offset plus a fingerprint of the query it belongs to. */
function encodeCursor(offset: number, fingerprint: string, secret: string, now = Date.now()): string {
	const payload = Buffer.from(JSON.stringify({ o: offset, f: fingerprint, e: now + CURSOR_TTL_MS })).toString(
		"base64url",
	);
	return `${payload}.${sign(payload, secret)}`;
}

function decodeCursor(cursor: string, fingerprint: string, secret: string): number {
	const [payload = "", signature = ""] = cursor.split(".");
	if (!secretsEqual(signature, sign(payload, secret))) {
		throw new ScimError(400, "invalidCursor", "The cursor is not valid for this server.");
	}
	const decoded = readCursorPayload(payload);
	if (decoded.f !== fingerprint)
		throw new ScimError(400, "invalidCursor", "The cursor belongs to another query.");
	if (decoded.e < Date.now()) throw new ScimError(400, "expiredCursor", "The cursor has expired.");
	return decoded.o;
}

/** A signed payload's fields, checked anyway: a cursor signed under an older format must still be a 400. */
function readCursorPayload(payload: string): { o: number; f: string; e: number } {
	let decoded: unknown;
	try {
		decoded = JSON.parse(Buffer.from(payload, "base64url").toString());
	} catch {
		decoded = undefined;
	}
	const { o, f, e } = (typeof decoded === "object" && decoded !== null ? decoded : {}) as Record<
		string,
		unknown
	>;
	if (
		typeof o !== "number" ||
		!Number.isSafeInteger(o) ||
		o < 0 ||
		o >= LIST_LIMITS.maxStartIndex ||
		typeof f !== "string" ||
		typeof e !== "number"
	) {
		throw new ScimError(400, "invalidCursor", "The cursor is not valid for this server.");
	}
	return { o, f, e };
}

/**
 * Reads list parameters leniently where IdPs differ (names in any case, `startIndex` below 1 counts as 1,
 * `count` above the maximum is capped) and strictly where input is wrong (non-integers, bad filters).
 * Filters and attribute lists are read with the connection's `syntax` (strict connections: the RFC's only).
 */
export function parseListQuery(raw: Params, secret: string, syntax: InputSyntax): ListQuery {
	const params = byLowerCaseName(raw);
	const filterText = text(params, "filter");
	const filter =
		filterText === undefined || filterText.trim() === "" ? undefined : parseFilter(filterText, {}, syntax);
	const count = integer(params, "count", 0, LIST_LIMITS.maxResults) ?? LIST_LIMITS.defaultCount;
	const sortByText = text(params, "sortBy");
	const sortOrder = text(params, "sortOrder")?.toLowerCase();
	if (sortOrder !== undefined && sortOrder !== "ascending" && sortOrder !== "descending") {
		throw new ScimError(400, "invalidValue", '"sortOrder" must be "ascending" or "descending".');
	}
	const query: ListQuery = {
		filter,
		startIndex: integer(params, "startIndex", 1, LIST_LIMITS.maxStartIndex) ?? 1,
		count,
		sortBy: sortByText ? parseAttrPath(sortByText) : undefined,
		descending: sortOrder === "descending",
		attributes: text(params, "attributes"),
		excludedAttributes: text(params, "excludedAttributes"),
		cursor: undefined,
	};
	parseAttributeList(query.attributes, syntax);
	parseAttributeList(query.excludedAttributes, syntax);
	const cursor = text(params, "cursor");
	if (cursor !== undefined) {
		if (param(params, "startIndex") !== undefined) {
			throw new ScimError(400, "invalidValue", "Use either cursor or startIndex, not both.");
		}
		const fingerprint = sign(JSON.stringify([filterText ?? "", sortByText ?? "", query.descending]), secret);
		query.cursor = { fingerprint };
		if (cursor !== "") query.startIndex = decodeCursor(cursor, fingerprint, secret) + 1;
	}
	return query;
}

/** The ORDER BY of a list: the requested attribute first, then a stable tiebreak so pages never overlap. */
export function orderBy(
	query: ListQuery,
	rt: ResourceTypeDef,
	fields: FieldResolver,
	tiebreak: { createdAt: SQL; id: SQL },
): SQL {
	const direction = query.descending ? sql`desc` : sql`asc`;
	const stable = sql`${tiebreak.createdAt} ${direction}, ${tiebreak.id} ${direction}`;
	if (!query.sortBy) return stable;
	const resolved = resolveAttribute(rt, query.sortBy);
	const field = resolved ? fields(resolved) : undefined;
	let key: SQL | undefined;
	if (field?.kind === "column") key = field.sql;
	else if (field?.kind === "json") key = sql`(${field.sql} #>> '{}')`;
	else if (field?.kind === "jsonArray") key = sql`(${field.sql} -> 0 ->> 'value')`;
	if (!key) throw new ScimError(400, "invalidValue", `Cannot sort by "${query.sortBy.attr}".`);
	return sql`${key} ${direction} nulls last, ${stable}`;
}

/** One page of a list, with the total the filter matches and, for cursor paging, the next cursor. */
export interface ListResult {
	resources: JsonObject[];
	totalResults: number;
	startIndex: number;
	nextCursor?: string;
}

/** Builds the page of a list: filter, count and order all in SQL, one query in the common case. */
export async function listPage<Row>(
	query: ListQuery,
	secret: string,
	run: {
		count: () => Promise<number>;
		page: (limit: number, offset: number) => Promise<{ rows: Row[]; total: number | undefined }>;
		render: (rows: Row[]) => Promise<JsonObject[]>;
	},
): Promise<ListResult> {
	if (query.count === 0)
		return { resources: [], totalResults: await run.count(), startIndex: query.startIndex };
	const offset = query.startIndex - 1;
	const page = await run.page(query.count, offset);
	const totalResults = page.total ?? (offset > 0 ? await run.count() : 0);
	const resources = await run.render(page.rows);
	const next = offset + resources.length;
	return {
		resources,
		totalResults,
		startIndex: query.startIndex,
		...(query.cursor && next < totalResults
			? { nextCursor: encodeCursor(next, query.cursor.fingerprint, secret) }
			: {}),
	};
}

/** A list whose filter is exactly `<attribute> eq "<string>"` on one of a few key attributes. */
export interface KeyLookup<Name extends string> {
	attribute: Name;
	value: string;
}

/**
 * Recognises the lookups IdPs send before every create (`userName eq "…"`, `externalId eq "…"`,
 * `displayName eq "…"`), in the default order, so the caller can answer them with a prepared statement;
 * any other list (other operators, sorting, combined filters) returns undefined and takes the general
 * compiled-filter path. Attribute names match as the schema resolves them (any case, URN-qualified).
 */
export function keyLookup<Name extends string>(
	query: ListQuery,
	rt: ResourceTypeDef,
	attributes: readonly Name[],
): KeyLookup<Name> | undefined {
	const { filter } = query;
	if (filter?.kind !== "compare" || filter.op !== "eq" || typeof filter.value !== "string") return undefined;
	if (query.sortBy || query.descending || filter.path.sub !== undefined) return undefined;
	const resolved = resolveAttribute(rt, filter.path);
	if (!resolved || resolved.schema !== rt.schema || resolved.subAttribute) return undefined;
	const attribute = attributes.find((name) => name === resolved.attribute.name);
	return attribute === undefined ? undefined : { attribute, value: filter.value };
}
