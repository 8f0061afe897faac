import { type Executor, type Organization, type RoleMapping, roleMappings, rows } from "@roster/db";
import { GROUP_OPTIONS_LIMIT } from "@roster/domain/inputs/mappings";
import { count, eq, sql } from "drizzle-orm";

/** The console shows at most this many mappings; an organization with more is told how many there are. */
export const MAPPINGS_SHOWN = 500;

/** Member counts in the group picker stop here ("10,000+"), so a search never walks a huge group. */
export const MEMBER_COUNT_CAP = 10_000;

/** A mapping in rank order with how many users its stored decisions credit it with now. */
export interface MappingWithGrants extends RoleMapping {
	/** Users whose stored tier (tier mappings) or some project role (project mappings) names this mapping. */
	usersGranted: number;
}

/**
 * The organization's mappings in rank order, each with the users it currently grants to. The counts come
 * from the stored decisions' sources (`mapping:<id>`), in two grouped scans, not one per mapping.
 */
export async function listMappingsWithGrants(
	db: Executor,
	organization: Organization,
): Promise<{ mappings: MappingWithGrants[]; total: number }> {
	const shown = await db
		.select()
		.from(roleMappings)
		.where(eq(roleMappings.orgId, organization.id))
		.orderBy(roleMappings.priority, roleMappings.createdAt, roleMappings.id)
		.limit(MAPPINGS_SHOWN);
	const [total] = await db
		.select({ n: count() })
		.from(roleMappings)
		.where(eq(roleMappings.orgId, organization.id));
	const counts = await rows<{ source: string; n: number }>(
		db,
		sql`select access_tier_source as source, count(*)::int as n from users
			where org_id = ${organization.id}::uuid and access_tier_source like 'mapping:%' group by 1
			union all
			select source, count(distinct user_id)::int as n from user_project_roles
			where org_id = ${organization.id}::uuid and source like 'mapping:%' group by 1`,
	);
	const granted = new Map<string, number>();
	for (const row of counts) granted.set(row.source, (granted.get(row.source) ?? 0) + Number(row.n));
	return {
		mappings: shown.map((mapping) => ({
			...mapping,
			usersGranted: granted.get(`mapping:${mapping.id}`) ?? 0,
		})),
		total: Number(total?.n ?? shown.length),
	};
}

/** A provisioned group the mapping editor can pick. */
export interface GroupOption {
	id: string;
	displayName: string;
	externalId: string | null;
	/** Capped at `MEMBER_COUNT_CAP`. */
	members: number;
}

/** `search` as literal text inside a LIKE pattern. */
function likeLiteral(search: string): string {
	return search.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The organization's groups whose displayName or externalId contains `search` (case-insensitive), names
 * starting with it first, at most `GROUP_OPTIONS_LIMIT`: the picker's source.
 */
export async function mappableGroups(
	db: Executor,
	organization: Organization,
	search: string,
): Promise<GroupOption[]> {
	const literal = likeLiteral(search);
	const pattern = `%${literal}%`;
	const found = await rows<{ id: string; display_name: string; external_id: string | null; members: number }>(
		db,
		sql`select g.id, g.display_name, g.external_id,
				(select count(*)::int from (select 1 from group_members as gm where gm.group_id = g.id
					limit ${MEMBER_COUNT_CAP}) as m) as members
			from groups as g
			where g.org_id = ${organization.id}::uuid
				and (g.display_name ilike ${pattern} or g.external_id ilike ${pattern})
			order by (lower(g.display_name) like lower(${`${literal}%`})) desc, lower(g.display_name), g.id
			limit ${GROUP_OPTIONS_LIMIT}`,
	);
	return found.map((row) => ({
		id: row.id,
		displayName: row.display_name,
		externalId: row.external_id,
		members: Number(row.members),
	}));
}
