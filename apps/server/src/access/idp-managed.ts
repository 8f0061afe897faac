import { users } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * The users an organization's identity providers manage: all but the local (INTERNAL) console
 * administrators that `roster admin create` makes. A local user is the organization's break-glass
 * account, so SCIM never lists, matches, changes, adopts or restores one and recompute never changes its
 * console-granted tier (docs/decisions/0115). Every SCIM user query and every recompute read carries this
 * one condition. `alias` is how a raw query names the users table (`u`); without it, the condition reads
 * the `users` table by name.
 */
export function idpManaged(alias?: string): SQL {
	const method = alias === undefined ? sql`${users.authMethod}` : sql`${sql.identifier(alias)}.auth_method`;
	return sql`${method} <> 'INTERNAL'`;
}
