import { reusableStatement, type Transaction, type User, users } from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, eq, getTableColumns } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { assertWritable, notFound } from "../provisioning/preconditions.ts";
import { writeTransaction } from "../provisioning/write-transaction.ts";

/** The users' unique constraints an IdP write can hit, with the 409 each becomes. */
const USER_UNIQUENESS = new Map([
	["users_org_user_name_unique", "A user with this userName already exists in the organization."],
]);

/** Runs one users write in its own transaction; a userName collision is 409 uniqueness. */
export function userWrite<T>(ctx: ScimContext, work: (tx: Transaction) => Promise<T>): Promise<T> {
	return writeTransaction(ctx, work, USER_UNIQUENESS);
}

/** The live IdP-managed user of an organization, locked for the write's transaction. */
const lockLiveUser = reusableStatement<{ orgId: string; id: string }, User>(
	"roster_lock_scim_user",
	["orgId", "id"],
	(db, values) =>
		db
			.select()
			.from(users)
			.where(
				and(eq(users.orgId, values.orgId), eq(users.id, values.id), eq(users.isDeleted, false), idpManaged()),
			)
			.for("update"),
	getTableColumns(users),
);

/**
 * Locks the live IdP-managed user a write names (anything else is the same 404 as a read's) and checks
 * the write's preconditions: ownership and `If-Match`.
 */
export async function lockUser(
	tx: Transaction,
	ctx: ScimContext,
	id: string,
	ifMatch: string | undefined,
): Promise<User> {
	if (!isUuid(id)) throw notFound("User", id);
	const [user] = await lockLiveUser.run(tx, { orgId: ctx.actor.organization.id, id });
	if (!user) throw notFound("User", id);
	assertWritable(ctx, user, "user", ifMatch);
	return user;
}
