import { type Group, groups, type Transaction } from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, eq } from "drizzle-orm";
import type { ScimContext } from "../provisioning/context.ts";
import { assertWritable, notFound } from "../provisioning/preconditions.ts";
import { writeTransaction } from "../provisioning/write-transaction.ts";

/** The groups' unique constraints an IdP write can hit, with the 409 each becomes. */
const GROUP_UNIQUENESS = new Map([
	["groups_org_display_name_unique", "A group with this displayName already exists in the organization."],
	["groups_org_external_id_unique", "A group with this externalId already exists in the organization."],
]);

/** Runs one groups write in its own transaction; a displayName or externalId collision is 409 uniqueness. */
export function groupWrite<T>(ctx: ScimContext, work: (tx: Transaction) => Promise<T>): Promise<T> {
	return writeTransaction(ctx, work, GROUP_UNIQUENESS);
}

/** Locks the group a write names (unknown: 404) and checks the write's preconditions: ownership and `If-Match`. */
export async function lockGroup(
	tx: Transaction,
	ctx: ScimContext,
	id: string,
	ifMatch: string | undefined,
): Promise<Group> {
	if (!isUuid(id)) throw notFound("Group", id);
	const [group] = await tx
		.select()
		.from(groups)
		.where(and(eq(groups.orgId, ctx.actor.organization.id), eq(groups.id, id)))
		.for("update");
	if (!group) throw notFound("Group", id);
	assertWritable(ctx, group, "group", ifMatch);
	return group;
}
