import { type Executor, rows } from "@roster/db";
import { isUuid } from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { OperationError } from "../operation-error.ts";

/**
 * Keyset paging for the console's tables (users, groups, members): each page continues after the last
 * row's (sort key, id), so a deep page costs what the first one does and rows with equal sort keys are
 * neither repeated nor skipped. The cursor is opaque to the console; it carries the key as PostgreSQL's
 * text form, which round-trips exactly (microseconds of a timestamp included).
 */

/** How a sort key is written back from its text form: the SQL type it is cast to. */
export type KeyType = "text" | "timestamptz" | "access_tier" | "boolean";

/** A non-null sort expression (nulls are folded in SQL, so row comparisons never meet a null). */
export interface SortColumn {
	sql: SQL;
	type: KeyType;
}

export type Direction = "asc" | "desc";

/** Where the previous page ended, plus the sort it was read under (a cursor never crosses sorts). */
export interface Cursor {
	sort: string;
	direction: Direction;
	key: string;
	id: string;
}

const cursorShape = z.object({
	s: z.string(),
	d: z.enum(["asc", "desc"]),
	k: z.string().max(1000),
	i: z.string().refine(isUuid),
});

const KEY_CHECKS: Record<KeyType, (key: string) => boolean> = {
	text: () => true,
	timestamptz: (key) =>
		/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(key),
	access_tier: (key) => /^[A-Z]+$/.test(key),
	boolean: (key) => key === "true" || key === "false",
};

const staleCursor = () =>
	new OperationError("invalid", "This page link no longer matches the list; start again from the first page");

export function encodeCursor(cursor: Cursor): string {
	const payload = { s: cursor.sort, d: cursor.direction, k: cursor.key, i: cursor.id };
	return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/**
 * Reads a cursor sent back by the console. A cursor made under another sort, or not one of ours, is
 * refused (BAD_REQUEST) rather than guessed at, so a page never silently restarts.
 */
export function decodeCursor(text: string, sort: string, direction: Direction, type: KeyType): Cursor {
	let parsed: z.infer<typeof cursorShape>;
	try {
		parsed = cursorShape.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
	} catch {
		throw staleCursor();
	}
	if (parsed.s !== sort || parsed.d !== direction || !KEY_CHECKS[type](parsed.k)) throw staleCursor();
	return { sort: parsed.s, direction: parsed.d, key: parsed.k, id: parsed.i };
}

/**
 * The key cast from text in SQL. The parameter is cast to text first so the driver sends it as text:
 * postgres-js would otherwise serialize it for the inferred type (a string "true" as boolean false).
 */
function typedKey(key: string, type: KeyType): SQL {
	const text = sql`${key}::text`;
	switch (type) {
		case "text":
			return text;
		case "timestamptz":
			return sql`${text}::timestamptz`;
		case "access_tier":
			return sql`${text}::access_tier`;
		case "boolean":
			return sql`${text}::boolean`;
	}
}

/** Rows strictly after the cursor in the list's order, as one row comparison an index range serves. */
export function afterCursor(column: SortColumn, id: SQL, cursor: Cursor): SQL {
	const op = cursor.direction === "asc" ? sql`>` : sql`<`;
	return sql`(${column.sql}, ${id}) ${op} (${typedKey(cursor.key, column.type)}, ${cursor.id}::uuid)`;
}

/** `order by key, id` in one direction, so the tie-breaker follows the key and the index is read straight. */
export function keysetOrder(column: SortColumn, id: SQL, direction: Direction): SQL {
	const dir = direction === "asc" ? sql`asc` : sql`desc`;
	return sql`${column.sql} ${dir}, ${id} ${dir}`;
}

/** The sort key of a row as text, selected beside it so the last row of a page becomes the next cursor. */
export function keyText(column: SortColumn): SQL<string> {
	return sql<string>`(${column.sql})::text`;
}

/**
 * Splits `limit + 1` fetched rows into the page and the cursor for the next one (null on the last page).
 * Reading one extra row tells whether a next page exists without a count.
 */
export function pageOf<Row extends { id: string; sortKey: string }>(
	found: Row[],
	limit: number,
	sort: string,
	direction: Direction,
): { rows: Row[]; nextCursor: string | null } {
	const rows = found.slice(0, limit);
	const last = rows.at(-1);
	const nextCursor =
		found.length > limit && last ? encodeCursor({ sort, direction, key: last.sortKey, id: last.id }) : null;
	return { rows, nextCursor };
}

/** A search box's text as a case-insensitive substring pattern, with LIKE's wildcards taken literally. */
export function containsPattern(text: string): string {
	return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** How far a list's total is counted exactly; past it the console shows "more than N". */
export const EXACT_COUNT_LIMIT = 10_000;

/** A list's size: exact up to `EXACT_COUNT_LIMIT`, else that limit with `exact: false`, clearly labelled. */
export interface ListTotal {
	count: number;
	exact: boolean;
}

function totalOf(counted: number): ListTotal {
	return counted > EXACT_COUNT_LIMIT
		? { count: EXACT_COUNT_LIMIT, exact: false }
		: { count: counted, exact: true };
}

/**
 * The size of a list. When the first page is also the last, its rows are the total and no count runs (a
 * rare search already scanned the table once for its page); otherwise matching rows are counted up to one
 * past the exact-count limit in `table`, bounded work however large the list.
 */
export async function listTotal(
	db: Executor,
	page: { rows: unknown[]; nextCursor: string | null },
	firstPage: boolean,
	table: SQL,
	where: SQL,
): Promise<ListTotal> {
	if (firstPage && page.nextCursor === null) return { count: page.rows.length, exact: true };
	return countTotal(db, table, where);
}

/** The rows of `table` matching `where`, counted up to one past the exact-count limit. */
export async function countTotal(db: Executor, table: SQL, where: SQL): Promise<ListTotal> {
	const [row] = await rows<{ n: number | string }>(
		db,
		sql`select count(*)::int as n from (select 1 from ${table} where ${where} limit ${EXACT_COUNT_LIMIT + 1}) as matched`,
	);
	return totalOf(Number(row?.n ?? 0));
}
