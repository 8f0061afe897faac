import {
	type AuthMethod,
	type Executor,
	groupMembers,
	groups,
	type Organization,
	scimConnections,
	sessions,
	users,
} from "@roster/db";
import type { AccessTier } from "@roster/domain";
import type { UserListInput, UserSortKey } from "@roster/domain/inputs/users";
import { compileFilter, isUuid, parseFilter, userResourceType } from "@roster/scim";
import { and, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";
import { type AccessView, readAccessView } from "./access-view.ts";
import { userFieldsJoining } from "./filter-fields.ts";
import {
	afterCursor,
	containsPattern,
	countTotal,
	decodeCursor,
	keysetOrder,
	keyText,
	type ListTotal,
	listTotal,
	pageOf,
	type SortColumn,
} from "./keyset.ts";
import { matchesSearchText, type SearchJoin, searchText } from "./search-text.ts";

/**
 * The console's reads of users ("the directory"): a searchable, sortable list that stays fast at 100,000
 * users, and one user's page with the reason for every grant. SCIM's reads (`read.ts`) answer IdPs and
 * hide local administrators; these answer an organization's administrator and show every live user.
 */

type ListRequest = Required<Pick<UserListInput, "search" | "mode" | "sort" | "direction" | "limit">> &
	Pick<UserListInput, "active" | "tier" | "connectionId" | "cursor">;

/** Sort keys as non-null expressions; each has a `(org_id, key, id)` index on live users. */
const SORTS: Record<UserSortKey, SortColumn> = {
	userName: { sql: sql`lower(${users.userName})`, type: "text" },
	displayName: { sql: sql`coalesce(lower(${users.displayName}), '')`, type: "text" },
	tier: { sql: sql`${users.accessTier}`, type: "access_tier" },
	created: { sql: sql`${users.createdAt}`, type: "timestamptz" },
	updated: { sql: sql`${users.updatedAt}`, type: "timestamptz" },
	active: { sql: sql`${users.isActive}`, type: "boolean" },
};

const USER_ID = sql`${users.id}`;

/** Where a user came from: an IdP over SCIM, or a local console account (`roster admin create`). */
export type UserSource = "scim" | "local";

/** A user row's source: local accounts are the INTERNAL ones. */
export function userSource(authMethod: AuthMethod): UserSource {
	return authMethod === "INTERNAL" ? "local" : "scim";
}

export interface ConnectionRef {
	id: string;
	name: string;
	idpKind: string;
}

export interface DirectoryUserRow {
	id: string;
	userName: string;
	displayName: string | null;
	email: string | null;
	externalId: string | null;
	active: boolean;
	tier: AccessTier;
	source: UserSource;
	connection: ConnectionRef | null;
	createdAt: string;
	updatedAt: string;
}

export interface DirectoryPage<Row> {
	rows: Row[];
	nextCursor: string | null;
	total: ListTotal;
}

function searchCondition(request: ListRequest, join: SearchJoin): SQL | undefined {
	if (request.search === "") return undefined;
	if (request.mode === "scim") {
		return compileFilter(parseFilter(request.search), userResourceType, userFieldsJoining(join));
	}
	return matchesSearchText(Object.values(searchText), containsPattern(request.search), join);
}

function listWhere(organization: Organization, request: ListRequest, join: SearchJoin): SQL {
	const conditions: SQL[] = [sql`${users.orgId} = ${organization.id}`, sql`not ${users.isDeleted}`];
	const search = searchCondition(request, join);
	if (search) conditions.push(search);
	if (request.active !== undefined) conditions.push(sql`${users.isActive} = ${request.active}`);
	if (request.tier !== undefined) conditions.push(sql`${users.accessTier} = ${request.tier}`);
	if (request.connectionId !== undefined)
		conditions.push(sql`${users.connectionId} = ${request.connectionId}`);
	return sql.join(conditions, sql` and `);
}

/** The connection a directory row came from, as the console links to it; null for local accounts. */
export function connectionRef(row: {
	connectionId: string | null;
	connectionName: string | null;
	idpKind: string | null;
}): ConnectionRef | null {
	return row.connectionId && row.connectionName
		? { id: row.connectionId, name: row.connectionName, idpKind: row.idpKind ?? "generic" }
		: null;
}

/**
 * One page of the organization's live users (tombstones never), searched by substring or SCIM filter,
 * filtered by active/tier/connection, sorted on the server and paged by keyset. An invalid SCIM filter is
 * refused with the parser's message (`ScimError` → BAD_REQUEST). A search is counted first, its matches
 * collected: up to the exact-count limit the page sorts those; past it the planner walks the sort index,
 * where so many matches soon fill a page (decision 0228).
 */
export async function listDirectoryUsers(
	db: Executor,
	organization: Organization,
	request: ListRequest,
): Promise<DirectoryPage<DirectoryUserRow>> {
	const column = SORTS[request.sort];
	const collected = request.search === "" ? undefined : listWhere(organization, request, "collected");
	const searchTotal = collected && (await countTotal(db, sql`${users}`, collected));
	const where = searchTotal?.exact && collected ? collected : listWhere(organization, request, "semiJoin");
	const keyset = request.cursor
		? afterCursor(column, USER_ID, decodeCursor(request.cursor, request.sort, request.direction, column.type))
		: undefined;
	const found = await db
		.select({
			id: users.id,
			userName: users.userName,
			displayName: users.displayName,
			email: users.email,
			externalId: users.externalId,
			active: users.isActive,
			tier: users.accessTier,
			authMethod: users.authMethod,
			connectionId: users.connectionId,
			connectionName: scimConnections.name,
			idpKind: scimConnections.idpKind,
			createdAt: users.createdAt,
			updatedAt: users.updatedAt,
			sortKey: keyText(column),
		})
		.from(users)
		.leftJoin(scimConnections, eq(scimConnections.id, users.connectionId))
		.where(keyset ? sql`${where} and ${keyset}` : where)
		.orderBy(keysetOrder(column, USER_ID, request.direction))
		.limit(request.limit + 1);
	const page = pageOf(found, request.limit, request.sort, request.direction);
	return {
		rows: page.rows.map((row) => ({
			id: row.id,
			userName: row.userName,
			displayName: row.displayName,
			email: row.email,
			externalId: row.externalId,
			active: row.active,
			tier: row.tier,
			source: userSource(row.authMethod),
			connection: connectionRef(row),
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
		})),
		nextCursor: page.nextCursor,
		total: searchTotal ?? (await listTotal(db, page, request.cursor === undefined, sql`${users}`, where)),
	};
}

/** How many of a user's groups the page lists; `groups.total` says how many there are. */
export const USER_GROUPS_LISTED = 100;
/** How many live sessions the page lists, newest first. */
export const USER_SESSIONS_LISTED = 50;

export interface DirectoryUser {
	profile: DirectoryUserRow & {
		givenName: string | null;
		familyName: string | null;
		deactivatedAt: string | null;
	};
	access: AccessView;
	groups: { items: { id: string; displayName: string; externalId: string | null }[]; total: number };
	/** Live sessions: when, until when and from where; never a token, its hash or the session's id. */
	sessions: {
		items: { createdAt: string; expiresAt: string; ip: string | null; userAgent: string | null }[];
		total: number;
	};
}

function notFoundUser(): OperationError {
	return new OperationError("not_found", "No such user");
}

/** A user's groups as the user page lists them (by name), the first `USER_GROUPS_LISTED`, and how many there are. */
export async function userGroups(
	db: Executor,
	orgId: string,
	userId: string,
): Promise<DirectoryUser["groups"]> {
	const memberships = await db
		.select({ id: groups.id, displayName: groups.displayName, externalId: groups.externalId })
		.from(groupMembers)
		.innerJoin(groups, eq(groups.id, groupMembers.groupId))
		.where(and(eq(groupMembers.userId, userId), eq(groups.orgId, orgId)))
		.orderBy(sql`lower(${groups.displayName})`, groups.id)
		.limit(USER_GROUPS_LISTED);
	const [groupCount] = await db
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(groupMembers)
		.where(eq(groupMembers.userId, userId));
	return { items: memberships, total: groupCount?.n ?? 0 };
}

/**
 * One live user of the organization with everything the console's user page shows. Another
 * organization's user, a tombstone and a malformed id all answer NOT_FOUND alike.
 */
export async function getDirectoryUser(
	db: Executor,
	organization: Organization,
	id: string,
): Promise<DirectoryUser> {
	if (!isUuid(id)) throw notFoundUser();
	const [user] = await db
		.select({ user: users, connectionName: scimConnections.name, idpKind: scimConnections.idpKind })
		.from(users)
		.leftJoin(scimConnections, eq(scimConnections.id, users.connectionId))
		.where(and(eq(users.orgId, organization.id), eq(users.id, id), eq(users.isDeleted, false)))
		.limit(1);
	if (!user) throw notFoundUser();
	const row = user.user;
	const live = and(eq(sessions.userId, row.id), gt(sessions.expiresAt, sql`now()`));
	const liveSessions = await db
		.select({
			createdAt: sessions.createdAt,
			expiresAt: sessions.expiresAt,
			ip: sessions.ip,
			userAgent: sessions.userAgent,
		})
		.from(sessions)
		.where(live)
		.orderBy(desc(sessions.createdAt))
		.limit(USER_SESSIONS_LISTED);
	const [sessionCount] = await db
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(sessions)
		.where(live);

	return {
		profile: {
			id: row.id,
			userName: row.userName,
			displayName: row.displayName,
			givenName: row.givenName,
			familyName: row.familyName,
			email: row.email,
			externalId: row.externalId,
			active: row.isActive,
			tier: row.accessTier,
			source: userSource(row.authMethod),
			connection: connectionRef({
				connectionId: row.connectionId,
				connectionName: user.connectionName,
				idpKind: user.idpKind,
			}),
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
			deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
		},
		access: await readAccessView(db, organization.id, row),
		groups: await userGroups(db, organization.id, row.id),
		sessions: {
			items: liveSessions.map((s) => ({
				createdAt: s.createdAt.toISOString(),
				expiresAt: s.expiresAt.toISOString(),
				ip: s.ip,
				userAgent: s.userAgent,
			})),
			total: sessionCount?.n ?? 0,
		},
	};
}
