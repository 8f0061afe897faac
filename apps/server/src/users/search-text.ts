import { userSearch, users } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** The folded text columns of `user_search`, which a trigger keeps in step with `users` (decision 0226). */
export const searchText = {
	userName: userSearch.userName,
	email: userSearch.email,
	displayName: userSearch.displayName,
	externalId: userSearch.externalId,
} satisfies Record<string, AnyPgColumn>;

/**
 * How a search's matches meet the rest of a query. `semiJoin` leaves the choice to the planner, which
 * walks a sort index while it expects a page soon: right when the matches are many. `collected` gathers
 * the matching ids first (one array, evaluated once) and looks each one up, linear in the matches
 * wherever they sort: right when they are few (decision 0228).
 */
export type SearchJoin = "semiJoin" | "collected";

/**
 * Users one of whose folded `columns` is LIKE `pattern` (lower case, escape `\`), matched through the
 * trigram index of `user_search` instead of a scan of `users`.
 */
export function matchesSearchText(
	columns: readonly AnyPgColumn[],
	pattern: SQL | string,
	join: SearchJoin = "semiJoin",
): SQL {
	const like = sql.join(
		columns.map((column) => sql`${column} like ${pattern} escape '\\'`),
		sql` or `,
	);
	const matching = sql`select ${userSearch.userId} from ${userSearch} where ${like}`;
	return join === "collected"
		? sql`${users.id} = any(array(${matching}))`
		: sql`${users.id} in (${matching})`;
}
