import { type Database, groups, preparedRead } from "@roster/db";
import {
	compileFilter,
	compileKeyEquals,
	groupResourceType,
	isUuid,
	type ProjectionOptions,
} from "@roster/scim";
import { type SQL, sql } from "drizzle-orm";
import type { ScimContext } from "../provisioning/context.ts";
import { keyLookup, type ListQuery, type ListResult, listPage, orderBy } from "../provisioning/lists.ts";
import { notFound } from "../provisioning/preconditions.ts";
import { groupFields } from "./filter-fields.ts";
import { type GroupResult, groupAnswer, projectGroup, renderGroups } from "./resource.ts";

function groupById(db: Database) {
	return preparedRead(db, "roster_scim_group_by_id", () =>
		db
			.select()
			.from(groups)
			.where(sql`${groups.orgId} = ${sql.placeholder("orgId")} and ${groups.id} = ${sql.placeholder("id")}`)
			.prepare("roster_scim_group_by_id"),
	);
}

const LOOKUP_KEYS = ["displayName", "externalId"] as const;

function selectGroupRows(db: Database) {
	return db.select({ group: groups, total: sql<number>`count(*) over ()`.mapWith(Number) }).from(groups);
}

/** The `displayName eq` / `externalId eq` lookup as a prepared statement; its predicate is the filter compiler's. */
function groupsByKey(db: Database, attribute: (typeof LOOKUP_KEYS)[number]) {
	const name = `roster_scim_groups_by_${attribute}`;
	return preparedRead(db, name, () =>
		selectGroupRows(db)
			.where(
				sql`${groups.orgId} = ${sql.placeholder("orgId")} and ${compileKeyEquals(attribute, groupResourceType, groupFields, sql.placeholder("value"))}`,
			)
			.orderBy(sql`${groups.createdAt} asc, ${groups.id} asc`)
			.limit(sql.placeholder("limit"))
			.offset(sql.placeholder("offset"))
			.prepare(name),
	);
}

/** GET /Groups/{id}. */
export async function getGroup(ctx: ScimContext, id: string, view: ProjectionOptions): Promise<GroupResult> {
	if (!isUuid(id)) throw notFound("Group", id);
	const [group] = await groupById(ctx.db).execute({ orgId: ctx.actor.organization.id, id });
	if (!group) throw notFound("Group", id);
	return groupAnswer(ctx.db, ctx, group, view);
}

/**
 * GET /Groups and POST /Groups/.search: filter, count and order in SQL; members in one query per page.
 * The `displayName eq` / `externalId eq` lookups IdPs send before each create use a prepared statement.
 */
export async function listGroups(ctx: ScimContext, query: ListQuery): Promise<ListResult> {
	const orgId = ctx.actor.organization.id;
	const lookup = keyLookup(query, groupResourceType, LOOKUP_KEYS);
	const where = () => {
		const conditions: SQL[] = [sql`${groups.orgId} = ${orgId}`];
		if (query.filter) conditions.push(compileFilter(query.filter, groupResourceType, groupFields));
		return sql.join(conditions, sql` and `);
	};
	const view = { attributes: query.attributes, excludedAttributes: query.excludedAttributes };
	return listPage(query, ctx.secret, {
		count: async () => {
			const [row] = await ctx.db
				.select({ n: sql<number>`count(*)`.mapWith(Number) })
				.from(groups)
				.where(where());
			return row?.n ?? 0;
		},
		page: async (limit, offset) => {
			const found = lookup
				? await groupsByKey(ctx.db, lookup.attribute).execute({ orgId, value: lookup.value, limit, offset })
				: await selectGroupRows(ctx.db)
						.where(where())
						.orderBy(
							orderBy(query, groupResourceType, groupFields, {
								createdAt: sql`${groups.createdAt}`,
								id: sql`${groups.id}`,
							}),
						)
						.limit(limit)
						.offset(offset);
			return { rows: found.map((row) => row.group), total: found[0]?.total };
		},
		render: async (rows) =>
			(await renderGroups(ctx.db, ctx, rows, view)).map((resource) => projectGroup(view, resource)),
	});
}
