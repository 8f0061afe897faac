import {
	type Executor,
	groupMembers,
	groups,
	type Organization,
	projects,
	roleMappings,
	rows,
	scimConnections,
	sessions,
	userProjectRoles,
	users,
	uuidArray,
} from "@roster/db";
import type { AccessTier } from "@roster/domain";
import type { UserListInput, UserSortKey } from "@roster/domain/inputs/users";
import { compileFilter, isUuid, parseFilter, userResourceType } from "@roster/scim";
import { and, desc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";
import {
	type ExplanationLookups,
	explanationRefs,
	type RenderedExplanation,
	renderExplanation,
	storedExplanation,
	tierSourceInWords,
} from "./explanation.ts";
import { userFields } from "./filter-fields.ts";
import {
	afterCursor,
	containsPattern,
	decodeCursor,
	keysetOrder,
	keyText,
	type ListTotal,
	listTotal,
	pageOf,
	type SortColumn,
} from "./keyset.ts";

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

function searchCondition(request: ListRequest): SQL | undefined {
	if (request.search === "") return undefined;
	if (request.mode === "scim") {
		return compileFilter(parseFilter(request.search), userResourceType, userFields);
	}
	const pattern = containsPattern(request.search);
	const like = (column: SQL) => sql`lower(${column}) like ${pattern} escape '\\'`;
	return sql`(${like(sql`${users.userName}`)} or ${like(sql`${users.email}`)} or ${like(sql`${users.displayName}`)} or ${like(sql`${users.externalId}`)})`;
}

function listConditions(organization: Organization, request: ListRequest): SQL[] {
	const conditions: SQL[] = [sql`${users.orgId} = ${organization.id}`, sql`not ${users.isDeleted}`];
	const search = searchCondition(request);
	if (search) conditions.push(search);
	if (request.active !== undefined) conditions.push(sql`${users.isActive} = ${request.active}`);
	if (request.tier !== undefined) conditions.push(sql`${users.accessTier} = ${request.tier}`);
	if (request.connectionId !== undefined)
		conditions.push(sql`${users.connectionId} = ${request.connectionId}`);
	return conditions;
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
 * refused with the parser's message (`ScimError` → BAD_REQUEST).
 */
export async function listDirectoryUsers(
	db: Executor,
	organization: Organization,
	request: ListRequest,
): Promise<DirectoryPage<DirectoryUserRow>> {
	const column = SORTS[request.sort];
	const conditions = listConditions(organization, request);
	const where = sql.join(conditions, sql` and `);
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
			source: row.authMethod === "INTERNAL" ? "local" : "scim",
			connection: connectionRef(row),
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
		})),
		nextCursor: page.nextCursor,
		total: await listTotal(db, page, request.cursor === undefined, sql`${users}`, where),
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
	access: {
		tier: AccessTier;
		tierSource: string | null;
		tierSourceText: string;
		computedAt: string | null;
		projectRoles: {
			projectId: string;
			projectSlug: string;
			projectName: string;
			role: string;
			source: string;
			sourceText: string;
		}[];
		explanation: RenderedExplanation;
	};
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

/** The groups and mappings an explanation names, looked up within the organization (one query each). */
async function lookupsFor(
	db: Executor,
	organization: Organization,
	refs: { groupIds: string[]; mappingIds: string[] },
): Promise<ExplanationLookups> {
	const groupRows =
		refs.groupIds.length === 0
			? []
			: await db
					.select({ id: groups.id, displayName: groups.displayName })
					.from(groups)
					.where(and(eq(groups.orgId, organization.id), inArray(groups.id, refs.groupIds)));
	const mappingRows =
		refs.mappingIds.length === 0
			? []
			: await rows<{ id: string; number: number | string; priority: number }>(
					db,
					sql`select id, number, priority from (
						select id, priority, row_number() over (order by priority, created_at, id) as number
						from ${roleMappings} where org_id = ${organization.id}::uuid) as ranked
					where id in (select unnest(${uuidArray(refs.mappingIds)}))`,
				);
	return {
		groups: new Map(groupRows.map((g) => [g.id, { displayName: g.displayName }])),
		mappings: new Map(mappingRows.map((m) => [m.id, { number: Number(m.number), priority: m.priority }])),
	};
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
	const roles = await db
		.select({
			projectId: projects.id,
			projectSlug: projects.slug,
			projectName: projects.name,
			role: userProjectRoles.role,
			source: userProjectRoles.source,
		})
		.from(userProjectRoles)
		.innerJoin(projects, eq(projects.id, userProjectRoles.projectId))
		.where(and(eq(userProjectRoles.userId, row.id), eq(userProjectRoles.orgId, organization.id)))
		.orderBy(projects.slug);
	const memberships = await db
		.select({ id: groups.id, displayName: groups.displayName, externalId: groups.externalId })
		.from(groupMembers)
		.innerJoin(groups, eq(groups.id, groupMembers.groupId))
		.where(and(eq(groupMembers.userId, row.id), eq(groups.orgId, organization.id)))
		.orderBy(sql`lower(${groups.displayName})`, groups.id)
		.limit(USER_GROUPS_LISTED);
	const [groupCount] = await db
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(groupMembers)
		.where(eq(groupMembers.userId, row.id));
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

	const explanation = storedExplanation(row.accessExplanation ?? null);
	const refs = explanationRefs(explanation);
	const sourceMappings = [row.accessTierSource, ...roles.map((r) => r.source)].flatMap((source) =>
		source?.startsWith("mapping:") && isUuid(source.slice(8)) ? [source.slice(8)] : [],
	);
	const lookups = await lookupsFor(db, organization, {
		groupIds: refs.groupIds,
		mappingIds: [...new Set([...refs.mappingIds, ...sourceMappings])],
	});
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
			source: row.authMethod === "INTERNAL" ? "local" : "scim",
			connection: connectionRef({
				connectionId: row.connectionId,
				connectionName: user.connectionName,
				idpKind: user.idpKind,
			}),
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
			deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
		},
		access: {
			tier: row.accessTier,
			tierSource: row.accessTierSource,
			tierSourceText: tierSourceInWords(row.accessTierSource, lookups),
			computedAt: row.accessComputedAt?.toISOString() ?? null,
			projectRoles: roles.map((role) => ({ ...role, sourceText: tierSourceInWords(role.source, lookups) })),
			explanation: renderExplanation(explanation, lookups),
		},
		groups: { items: memberships, total: groupCount?.n ?? 0 },
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
