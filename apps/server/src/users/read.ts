import { type Database, groupMembers, groups, preparedRead, users } from "@roster/db";
import { compileFilter, compileKeyEquals, isUuid, projectsAttribute, userResourceType } from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { keyLookup, type ListQuery, type ListResult, listPage, orderBy } from "../provisioning/lists.ts";
import { notFound } from "../provisioning/preconditions.ts";
import { userFields } from "./filter-fields.ts";
import { groupRefs, projectUser, type UserResult, userResource } from "./resource.ts";

const memberOfSubquery = sql`(select coalesce(json_agg(json_build_array(${groups.id}, ${groups.displayName})), '[]'::json) from ${groupMembers} inner join ${groups} on ${groups.id} = ${groupMembers.groupId} where ${groupMembers.userId} = ${users.id})`;

/**
 * A user's groups as `[id, displayName]` pairs, read in the same statement as the user row. Nested in
 * its own `sql` because a single-table select strips the table from columns at the top of a selected
 * expression, which would make the subquery's `id` ambiguous.
 */
const memberOfColumn = sql<[string, string][]>`${memberOfSubquery}`.mapWith(
	(value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as [string, string][],
);
const noGroupsColumn = sql<[string, string][] | null>`null`;

/** Selects user rows with the list's `count(*) over ()` and, when the response shows them, their groups. */
function selectUserRows(db: Database, withGroups: boolean) {
	return db
		.select({
			user: users,
			total: sql<number>`count(*) over ()`.mapWith(Number),
			memberOf: withGroups ? memberOfColumn : noGroupsColumn,
		})
		.from(users);
}

function userById(db: Database) {
	return preparedRead(db, "roster_scim_user_by_id", () =>
		selectUserRows(db, true)
			.where(
				sql`${users.orgId} = ${sql.placeholder("orgId")} and ${users.id} = ${sql.placeholder("id")} and not ${users.isDeleted} and ${idpManaged()}`,
			)
			.prepare("roster_scim_user_by_id"),
	);
}

const LOOKUP_KEYS = ["userName", "externalId"] as const;

/** The `userName eq` / `externalId eq` lookup as a prepared statement; its predicate is the filter compiler's. */
function usersByKey(db: Database, attribute: (typeof LOOKUP_KEYS)[number], withGroups: boolean) {
	const name = `roster_scim_users_by_${attribute}${withGroups ? "_with_groups" : ""}`;
	return preparedRead(db, name, () =>
		selectUserRows(db, withGroups)
			.where(
				sql`${users.orgId} = ${sql.placeholder("orgId")} and not ${users.isDeleted} and ${idpManaged()} and ${compileKeyEquals(attribute, userResourceType, userFields, sql.placeholder("value"))}`,
			)
			.orderBy(sql`${users.createdAt} asc, ${users.id} asc`)
			.limit(sql.placeholder("limit"))
			.offset(sql.placeholder("offset"))
			.prepare(name),
	);
}

/** GET /Users/{id}; tombstoned and local users are 404. One statement reads the user and its groups. */
export async function getUser(ctx: ScimContext, id: string): Promise<UserResult> {
	if (!isUuid(id)) throw notFound("User", id);
	const [found] = await userById(ctx.db).execute({ orgId: ctx.actor.organization.id, id });
	if (!found) throw notFound("User", id);
	return { user: found.user, resource: userResource(ctx, found.user, groupRefs(ctx, found.memberOf)) };
}

/**
 * GET /Users and POST /Users/.search: one statement per page (users, total and groups), local users never
 * among them. The `userName eq` / `externalId eq` lookups IdPs send before each create use a prepared statement.
 */
export async function listUsers(ctx: ScimContext, query: ListQuery): Promise<ListResult> {
	const orgId = ctx.actor.organization.id;
	const wantsGroups = projectsAttribute(userResourceType, query, { attr: "groups" });
	const lookup = keyLookup(query, userResourceType, LOOKUP_KEYS);
	const where = () => {
		const conditions: SQL[] = [sql`${users.orgId} = ${orgId}`, sql`not ${users.isDeleted}`, idpManaged()];
		if (query.filter) conditions.push(compileFilter(query.filter, userResourceType, userFields));
		return sql.join(conditions, sql` and `);
	};
	return listPage(query, ctx.secret, {
		count: async () => {
			const [row] = await ctx.db
				.select({ n: sql<number>`count(*)`.mapWith(Number) })
				.from(users)
				.where(where());
			return row?.n ?? 0;
		},
		page: async (limit, offset) => {
			const found = lookup
				? await usersByKey(ctx.db, lookup.attribute, wantsGroups).execute({
						orgId,
						value: lookup.value,
						limit,
						offset,
					})
				: await selectUserRows(ctx.db, wantsGroups)
						.where(where())
						.orderBy(
							orderBy(query, userResourceType, userFields, {
								createdAt: sql`${users.createdAt}`,
								id: sql`${users.id}`,
							}),
						)
						.limit(limit)
						.offset(offset);
			return { rows: found, total: found[0]?.total };
		},
		render: async (rows) =>
			rows.map((row) => projectUser(query, userResource(ctx, row.user, groupRefs(ctx, row.memberOf)))),
	});
}
