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
 * Users one of whose folded `columns` is LIKE `pattern` (lower case, escape `\`), matched through the
 * trigram index of `user_search` instead of a scan of `users`.
 */
export function matchesSearchText(columns: readonly AnyPgColumn[], pattern: SQL | string): SQL {
	const like = sql.join(
		columns.map((column) => sql`${column} like ${pattern} escape '\\'`),
		sql` or `,
	);
	return sql`${users.id} in (select ${userSearch.userId} from ${userSearch} where ${like})`;
}
