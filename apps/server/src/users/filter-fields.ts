import { groupMembers, users } from "@roster/db";
import { ENTERPRISE_USER_SCHEMA, type FieldResolver, isUuid, type ResolvedAttribute } from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { matchesSearchText, type SearchJoin, searchText } from "./search-text.ts";

/** Text columns a substring filter matches through `user_search`. */
const SEARCHED: Record<string, AnyPgColumn> = {
	userName: searchText.userName,
	externalId: searchText.externalId,
	displayName: searchText.displayName,
};

const COLUMNS: Record<string, SQL> = {
	userName: sql`${users.userName}`,
	externalId: sql`${users.externalId}`,
	displayName: sql`${users.displayName}`,
	active: sql`${users.isActive}`,
	"name.givenName": sql`${users.givenName}`,
	"name.familyName": sql`${users.familyName}`,
	"meta.created": sql`${users.createdAt}`,
	"meta.lastModified": sql`${users.updatedAt}`,
};

function jsonPath(keys: string[]): SQL {
	return sql`(${users.attributes} #> ${`{${keys.map((k) => `"${k}"`).join(",")}}`}::text[])`;
}

/**
 * Where each User attribute lives for filters and sorting: typed columns for what Roster decides on,
 * `attributes` jsonb for the rest (extension attributes under their schema URN), and `groups` through
 * the membership rows. Ids (`id`, `groups.value`) compare as uuids, in any letter case. Substring filters
 * on searched text meet the query by `join`.
 */
export const userFieldsJoining =
	(join: SearchJoin): FieldResolver =>
	(target: ResolvedAttribute) => {
		const { attribute, subAttribute, schema } = target;
		const name = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
		if (name === "id") return { kind: "column", sql: sql`${users.id}`, format: "uuid", caseExact: true };
		const column = COLUMNS[name];
		const searched = SEARCHED[name];
		if (column) {
			const substring = searched && ((pattern: SQL) => matchesSearchText([searched], pattern, join));
			return { kind: "column", sql: column, ...(substring ? { substring } : {}) };
		}
		if (attribute.name === "groups") {
			return {
				kind: "custom",
				compile: (op, value, sub) => {
					if ((sub ?? "value") !== "value" || (op !== "eq" && op !== "pr")) return sql`false`;
					if (op === "eq" && (typeof value !== "string" || !isUuid(value))) return sql`false`;
					const match = op === "eq" ? sql`and ${groupMembers.groupId} = ${value}::uuid` : sql``;
					return sql`exists (select 1 from ${groupMembers} where ${groupMembers.userId} = ${users.id} ${match})`;
				},
			};
		}
		const base = schema === ENTERPRISE_USER_SCHEMA ? [ENTERPRISE_USER_SCHEMA] : [];
		if (attribute.multiValued) return { kind: "jsonArray", sql: jsonPath([...base, attribute.name]) };
		if (attribute.type === "complex" && !subAttribute) return undefined;
		return {
			kind: "json",
			sql: jsonPath([...base, attribute.name, ...(subAttribute ? [subAttribute.name] : [])]),
		};
	};

/** The fields as SCIM reads filter them, substring matches left to the planner. */
export const userFields = userFieldsJoining("semiJoin");
