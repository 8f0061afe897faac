import { groupMembers, groups, users } from "@roster/db";
import { type FieldResolver, isUuid, type ResolvedAttribute, ScimError } from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";

const COLUMNS: Record<string, SQL> = {
	externalId: sql`${groups.externalId}`,
	displayName: sql`${groups.displayName}`,
	"meta.created": sql`${groups.createdAt}`,
	"meta.lastModified": sql`${groups.updatedAt}`,
};

/**
 * `members.value` as an EXISTS on the membership rows: `eq` on a user id walks the (user_id, group_id)
 * index, `pr` asks whether the group has any member. Local users never count, as they are never listed.
 * Other operators and sub-attributes have no use for IdPs and no index, so they are refused, not scanned.
 */
function membersCondition(op: string, value: unknown, sub: string | undefined): SQL {
	if ((sub ?? "value") !== "value") {
		throw new ScimError(400, "invalidFilter", "Only members.value can be filtered on.");
	}
	const rows = sql`select 1 from ${groupMembers} inner join ${users} on ${users.id} = ${groupMembers.userId} and ${idpManaged()}
		where ${groupMembers.groupId} = ${groups.id}`;
	if (op === "pr") return sql`exists (${rows})`;
	if (op !== "eq") {
		throw new ScimError(400, "invalidFilter", 'members.value supports only "eq" and "pr".');
	}
	if (typeof value !== "string" || !isUuid(value)) return sql`false`;
	return sql`exists (${rows} and ${groupMembers.userId} = ${value}::uuid)`;
}

/**
 * Where each Group attribute lives for filters and sorting: typed columns for the group itself (displayName
 * case-insensitive, so the `lower(display_name)` unique index serves Entra's lookup), and members through
 * the membership rows.
 */
export const groupFields: FieldResolver = (target: ResolvedAttribute) => {
	const { attribute, subAttribute } = target;
	const name = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
	if (name === "id") return { kind: "column", sql: sql`${groups.id}`, format: "uuid", caseExact: true };
	if (attribute.name === "members") return { kind: "custom", compile: membersCondition };
	const column = COLUMNS[name];
	return column ? { kind: "column", sql: column } : undefined;
};
