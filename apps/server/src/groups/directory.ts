import {
	type Executor,
	groupMembers,
	groups,
	type Organization,
	roleMappings,
	rows,
	scimConnections,
	users,
} from "@roster/db";
import type { AccessTier } from "@roster/domain";
import { GROUP_MEMBERS_PAGE, type GroupListInput, type GroupSortKey } from "@roster/domain/inputs/groups";
import { compileFilter, groupResourceType, isUuid, parseFilter } from "@roster/scim";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";
import { type ConnectionRef, connectionRef, type DirectoryPage } from "../users/directory.ts";
import {
	afterCursor,
	containsPattern,
	decodeCursor,
	keysetOrder,
	keyText,
	listTotal,
	pageOf,
	type SortColumn,
} from "../users/keyset.ts";
import { groupFields } from "./filter-fields.ts";

/**
 * The console's reads of groups: a searchable, sortable list, one group with the role mappings that match
 * it, and its members paged by keyset so a 100,000-member group pages as fast as a small one.
 */

type ListRequest = Required<Pick<GroupListInput, "search" | "mode" | "sort" | "direction" | "limit">> &
	Pick<GroupListInput, "cursor">;

const SORTS: Record<GroupSortKey, SortColumn> = {
	displayName: { sql: sql`lower(${groups.displayName})`, type: "text" },
	created: { sql: sql`${groups.createdAt}`, type: "timestamptz" },
	updated: { sql: sql`${groups.updatedAt}`, type: "timestamptz" },
};

const GROUP_ID = sql`${groups.id}`;

export interface DirectoryGroupRow {
	id: string;
	displayName: string;
	externalId: string | null;
	connection: ConnectionRef | null;
	memberCount: number;
	createdAt: string;
	updatedAt: string;
}

/** Members are counted from the membership rows' primary key; local and deleted users are never members. */
const memberCount =
	sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${groups.id})`.mapWith(
		Number,
	);

function searchCondition(request: ListRequest): SQL | undefined {
	if (request.search === "") return undefined;
	if (request.mode === "scim")
		return compileFilter(parseFilter(request.search), groupResourceType, groupFields);
	const pattern = containsPattern(request.search);
	return sql`(lower(${groups.displayName}) like ${pattern} escape '\\' or lower(${groups.externalId}) like ${pattern} escape '\\')`;
}

/** What a group row of the console shows, in the list and on its page. */
const GROUP_COLUMNS = {
	id: groups.id,
	displayName: groups.displayName,
	externalId: groups.externalId,
	connectionId: groups.connectionId,
	connectionName: scimConnections.name,
	idpKind: scimConnections.idpKind,
	memberCount,
	createdAt: groups.createdAt,
	updatedAt: groups.updatedAt,
};

/** One page of the organization's groups, searched by substring or SCIM filter, sorted and keyset-paged. */
export async function listDirectoryGroups(
	db: Executor,
	organization: Organization,
	request: ListRequest,
): Promise<DirectoryPage<DirectoryGroupRow>> {
	const column = SORTS[request.sort];
	const conditions: SQL[] = [sql`${groups.orgId} = ${organization.id}`];
	const search = searchCondition(request);
	if (search) conditions.push(search);
	const where = sql.join(conditions, sql` and `);
	const keyset = request.cursor
		? afterCursor(
				column,
				GROUP_ID,
				decodeCursor(request.cursor, request.sort, request.direction, column.type),
			)
		: undefined;
	const found = await db
		.select({ ...GROUP_COLUMNS, sortKey: keyText(column) })
		.from(groups)
		.leftJoin(scimConnections, eq(scimConnections.id, groups.connectionId))
		.where(keyset ? sql`${where} and ${keyset}` : where)
		.orderBy(keysetOrder(column, GROUP_ID, request.direction))
		.limit(request.limit + 1);
	const page = pageOf(found, request.limit, request.sort, request.direction);
	return {
		rows: page.rows.map((row) => ({
			id: row.id,
			displayName: row.displayName,
			externalId: row.externalId,
			connection: connectionRef(row),
			memberCount: row.memberCount,
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
		})),
		nextCursor: page.nextCursor,
		total: await listTotal(db, page, request.cursor === undefined, sql`${groups}`, where),
	};
}

/** A role mapping that matches a group, with what it grants. */
export interface GroupMapping {
	id: string;
	/** Rank in the organization's mapping list (priority, then creation), as the mappings screen numbers them. */
	number: number;
	matchKind: "group_display_name" | "group_external_id";
	matchValue: string;
	targetKind: "tier" | "project_role";
	tier: AccessTier | null;
	projectSelector: string | null;
	projectRole: string | null;
	priority: number;
}

export interface DirectoryGroup extends DirectoryGroupRow {
	mappings: GroupMapping[];
}

const notFoundGroup = () => new OperationError("not_found", "No such group");

/**
 * The role mappings that apply to members of a group: by displayName (case-insensitive, as role
 * resolution matches) or by externalId (exact). Role-URN mappings match values, not groups, so they are not listed.
 */
async function mappingsMatching(
	db: Executor,
	organization: Organization,
	group: { displayName: string; externalId: string | null },
): Promise<GroupMapping[]> {
	const found = await rows<{
		id: string;
		number: number | string;
		match_kind: GroupMapping["matchKind"];
		match_value: string;
		target_kind: GroupMapping["targetKind"];
		tier: AccessTier | null;
		project_selector: string | null;
		project_role: string | null;
		priority: number;
	}>(
		db,
		sql`select * from (
				select id, match_kind, match_value, target_kind, tier, project_selector, project_role, priority,
					row_number() over (order by priority, created_at, id) as number
				from ${roleMappings} where org_id = ${organization.id}::uuid) as ranked
			where (match_kind = 'group_display_name' and lower(match_value) = lower(${group.displayName}))
				or (match_kind = 'group_external_id' and match_value = ${group.externalId})
			order by number`,
	);
	return found.map((m) => ({
		id: m.id,
		number: Number(m.number),
		matchKind: m.match_kind,
		matchValue: m.match_value,
		targetKind: m.target_kind,
		tier: m.tier,
		projectSelector: m.project_selector,
		projectRole: m.project_role,
		priority: m.priority,
	}));
}

/** One group of the organization with its member count and matching mappings; others' groups are NOT_FOUND. */
export async function getDirectoryGroup(
	db: Executor,
	organization: Organization,
	id: string,
): Promise<DirectoryGroup> {
	if (!isUuid(id)) throw notFoundGroup();
	const [row] = await db
		.select(GROUP_COLUMNS)
		.from(groups)
		.leftJoin(scimConnections, eq(scimConnections.id, groups.connectionId))
		.where(and(eq(groups.orgId, organization.id), eq(groups.id, id)))
		.limit(1);
	if (!row) throw notFoundGroup();
	return {
		id: row.id,
		displayName: row.displayName,
		externalId: row.externalId,
		connection: connectionRef(row),
		memberCount: row.memberCount,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		mappings: await mappingsMatching(db, organization, row),
	};
}

export interface GroupMemberRow {
	id: string;
	userName: string;
	displayName: string | null;
	email: string | null;
	active: boolean;
	tier: AccessTier;
	addedAt: string;
}

/**
 * A page of a group's members in user-id order: the membership primary key `(group_id, user_id)` is the
 * keyset, so each page is one index range read whatever the group's size (sorting 100,000 members by
 * name per page would not be). `membersOf` reads whole groups for SCIM answers, so it does not fit here.
 */
export async function listGroupMembers(
	db: Executor,
	organization: Organization,
	input: { id: string; cursor?: string | undefined },
): Promise<{ rows: GroupMemberRow[]; nextCursor: string | null }> {
	if (!isUuid(input.id)) throw notFoundGroup();
	const [group] = await db
		.select({ id: groups.id })
		.from(groups)
		.where(and(eq(groups.orgId, organization.id), eq(groups.id, input.id)))
		.limit(1);
	if (!group) throw notFoundGroup();
	const cursor = input.cursor ? decodeCursor(input.cursor, "member", "asc", "text") : undefined;
	const found = await db
		.select({
			id: users.id,
			userName: users.userName,
			displayName: users.displayName,
			email: users.email,
			active: users.isActive,
			tier: users.accessTier,
			addedAt: groupMembers.createdAt,
			sortKey: sql<string>`${groupMembers.userId}::text`,
		})
		.from(groupMembers)
		.innerJoin(users, eq(users.id, groupMembers.userId))
		.where(
			cursor
				? sql`${groupMembers.groupId} = ${group.id} and ${groupMembers.userId} > ${cursor.id}::uuid`
				: sql`${groupMembers.groupId} = ${group.id}`,
		)
		.orderBy(groupMembers.userId)
		.limit(GROUP_MEMBERS_PAGE + 1);
	const page = pageOf(found, GROUP_MEMBERS_PAGE, "member", "asc");
	return {
		rows: page.rows.map(({ sortKey: _, addedAt, ...member }) => ({
			...member,
			addedAt: addedAt.toISOString(),
		})),
		nextCursor: page.nextCursor,
	};
}
