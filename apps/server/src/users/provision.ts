import {
	type Database,
	type Executor,
	groupMembers,
	groups,
	preparedRead,
	sessions,
	type Transaction,
	type User,
	users,
	violatedUniqueConstraint,
} from "@roster/db";
import {
	diffFields,
	type FieldChanges,
	type UserFields,
	userFieldsFromScim,
	userToScim,
} from "@roster/domain";
import {
	applyPatch,
	compileFilter,
	isUuid,
	type JsonObject,
	normalizeResource,
	type ProjectionOptions,
	parsePatchRequest,
	project,
	projectsAttribute,
	ScimError,
	userResourceType,
} from "@roster/scim";
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";
import { accessColumns, decideUserAccess, storeUserProjectRoles } from "../access/user-decision.ts";
import { accessChange, recordScimAudit, type ScimAuditAction } from "../audit/scim-events.ts";
import { rethrowAsScimError } from "../provisioning/db-errors.ts";
import { encodeCursor, keyLookup, type ListQuery, orderBy } from "../provisioning/lists.ts";
import { assertIfMatch, assertOwnership, mayChange, notFound } from "../provisioning/preconditions.ts";
import { noteUnusableRoles } from "../provisioning/role-notices.ts";
import { abandonIfGone } from "../scim/client-gone.ts";
import type { ScimContext } from "../scim/context.ts";
import { userFields } from "./filter-fields.ts";

/** A write's outcome: the stored row and the SCIM resource the client gets back. */
export interface UserResult {
	user: User;
	resource: JsonObject;
}

type GroupRef = { value: string; display: string; $ref: string };

async function groupsOf(db: Executor, ctx: ScimContext, userIds: string[]): Promise<Map<string, GroupRef[]>> {
	const byUser = new Map<string, GroupRef[]>();
	if (userIds.length === 0) return byUser;
	const found = await db
		.select({ userId: groupMembers.userId, id: groups.id, displayName: groups.displayName })
		.from(groupMembers)
		.innerJoin(groups, eq(groups.id, groupMembers.groupId))
		.where(inArray(groupMembers.userId, userIds));
	for (const row of found) {
		const list = byUser.get(row.userId) ?? [];
		list.push({ value: row.id, display: row.displayName, $ref: `${ctx.base}/Groups/${row.id}` });
		byUser.set(row.userId, list);
	}
	return byUser;
}

/** The full SCIM User for a row, in the response shape of the client's profile. */
export function userResource(ctx: ScimContext, user: User, memberOf: GroupRef[] = []): JsonObject {
	const resource = userToScim(user, {
		location: `${ctx.base}/Users/${user.id}`,
		roleShape: ctx.profile === "okta" ? "string" : "object",
	});
	return memberOf.length > 0 ? { ...resource, groups: memberOf } : resource;
}

function snapshot(fields: UserFields, active: boolean): Record<string, unknown> {
	const { attributes, ...columns } = fields;
	return { ...attributes, ...columns, active };
}

function fieldsOf(user: User): UserFields {
	return {
		userName: user.userName,
		email: user.email,
		displayName: user.displayName,
		givenName: user.givenName,
		familyName: user.familyName,
		externalId: user.externalId,
		attributes: user.attributes,
	};
}

function readActive(resource: JsonObject, fallback: boolean): boolean {
	return typeof resource.active === "boolean" ? resource.active : fallback;
}

function requireUserName(fields: UserFields): void {
	if (fields.userName.trim() === "") throw new ScimError(400, "invalidValue", "userName is required.");
}

async function lockUser(tx: Transaction, ctx: ScimContext, id: string): Promise<User> {
	if (!isUuid(id)) throw notFound("User", id);
	const [user] = await tx
		.select()
		.from(users)
		.where(
			and(
				eq(users.orgId, ctx.actor.organization.id),
				eq(users.id, id),
				eq(users.isDeleted, false),
				idpManaged(),
			),
		)
		.for("update");
	if (!user) throw notFound("User", id);
	return user;
}

/** Runs one SCIM write transaction, mapping userName collisions and unstorable values to SCIM errors. */
async function writeTransaction<T>(ctx: ScimContext, work: (tx: Transaction) => Promise<T>): Promise<T> {
	try {
		abandonIfGone(ctx.signal);
		return await ctx.db.transaction(work);
	} catch (error) {
		if (error instanceof ScimError) throw error;
		if (violatedUniqueConstraint(error) === "users_org_user_name_unique") {
			throw new ScimError(409, "uniqueness", "A user with this userName already exists in the organization.");
		}
		rethrowAsScimError(error);
	}
}

/** Ends every session of a user; returns how many were killed (recorded as offboarding evidence). */
async function killSessions(tx: Transaction, userId: string): Promise<number> {
	const killed = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
	return killed.length;
}

function actionFor(wasActive: boolean, isActive: boolean): ScimAuditAction {
	if (wasActive && !isActive) return "SCIM_USER_DEPROVISIONED";
	if (!wasActive && isActive) return "SCIM_USER_REACTIVATED";
	return "SCIM_USER_UPDATED";
}

/**
 * The tombstone a create with this externalId restores: the connection's own, else an unowned one, else
 * (only with shared ownership, `mayChange`) another connection's. None means a new user, and another
 * connection's tombstone stays restorable by that connection (docs/decisions/0115).
 */
async function restorableTombstone(
	tx: Transaction,
	ctx: ScimContext,
	externalId: string,
): Promise<User | undefined> {
	const [candidate] = await tx
		.select()
		.from(users)
		.where(
			and(
				eq(users.orgId, ctx.actor.organization.id),
				eq(users.externalId, externalId),
				eq(users.isDeleted, true),
				idpManaged(),
			),
		)
		.orderBy(
			sql`case when ${users.connectionId} = ${ctx.actor.connection.id}::uuid then 0 when ${users.connectionId} is null then 1 else 2 end`,
			desc(users.deletedAt),
		)
		.limit(1)
		.for("update");
	return candidate && mayChange(ctx, candidate) ? candidate : undefined;
}

/**
 * POST /Users. A user tombstoned by a soft DELETE comes back with the same id when the connection that
 * owned it creates it again with the same externalId (`restorableTombstone`). A local user is never
 * adopted: its userName is taken, so the create is 409 uniqueness.
 */
export async function createUser(ctx: ScimContext, body: unknown): Promise<UserResult> {
	const { resource, passwordSupplied } = normalizeResource(body, userResourceType);
	const fields = userFieldsFromScim(resource);
	requireUserName(fields);
	const active = readActive(resource, true);
	const orgId = ctx.actor.organization.id;
	return writeTransaction(ctx, async (tx) => {
		const tombstone = fields.externalId ? await restorableTombstone(tx, ctx, fields.externalId) : undefined;
		const now = new Date();
		const decision = await decideUserAccess(
			tx,
			ctx.actor.organization,
			{ id: tombstone?.id, isActive: active, isDeleted: false, attributes: fields.attributes },
			"none",
		);
		noteUnusableRoles(ctx.notes, decision);
		const values = {
			...fields,
			isActive: active,
			isDeleted: false,
			deletedAt: null,
			deactivatedAt: active ? null : now,
			connectionId: ctx.actor.connection.id,
			authMethod: "SCIM" as const,
			updatedAt: now,
			...accessColumns(decision, now),
		};
		const [user] = tombstone
			? await tx
					.update(users)
					.set({ ...values, version: sql`${users.version} + 1` })
					.where(eq(users.id, tombstone.id))
					.returning()
			: await tx
					.insert(users)
					.values({ ...values, orgId })
					.returning();
		if (!user) throw new Error("user write returned no row");
		await storeUserProjectRoles(tx, orgId, user, decision, { hadNone: !tombstone });
		await recordScimAudit(tx, ctx, {
			action: "SCIM_USER_PROVISIONED",
			entityType: "User",
			entityId: user.id,
			entityName: user.userName,
			changes: {
				...diffFields({}, snapshot(fields, active)),
				...accessChange(tombstone?.accessTier ?? null, decision.tier),
			},
			metadata: {
				...(passwordSupplied ? { passwordIgnored: true } : {}),
				...(tombstone ? { restored: true } : {}),
			},
		});
		return { user, resource: userResource(ctx, user) };
	});
}

/** The user fields role resolution reads: a change to any other field never recomputes access. */
const ACCESS_INPUTS = ["active", "roles", "entitlements"] as const;

async function persistChange(
	tx: Transaction,
	ctx: ScimContext,
	before: User,
	fields: UserFields,
	active: boolean,
	metadata: Record<string, unknown>,
): Promise<User> {
	const changes: FieldChanges = diffFields(
		snapshot(fieldsOf(before), before.isActive),
		snapshot(fields, active),
	);
	if (Object.keys(changes).length === 0 && before.connectionId !== null) return before;
	const now = new Date();
	const decision = ACCESS_INPUTS.some((key) => key in changes)
		? await decideUserAccess(
				tx,
				ctx.actor.organization,
				{ id: before.id, isActive: active, isDeleted: false, attributes: fields.attributes },
				"load",
			)
		: undefined;
	noteUnusableRoles(ctx.notes, decision);
	const [user] = await tx
		.update(users)
		.set({
			...fields,
			isActive: active,
			deactivatedAt: active ? null : (before.deactivatedAt ?? now),
			connectionId: before.connectionId ?? ctx.actor.connection.id,
			version: sql`${users.version} + 1`,
			updatedAt: now,
			...(decision ? accessColumns(decision, now) : {}),
		})
		.where(eq(users.id, before.id))
		.returning();
	if (!user) throw new Error("user update returned no row");
	if (decision) await storeUserProjectRoles(tx, user.orgId, user, decision);
	const action = actionFor(before.isActive, active);
	const sessionsKilled = action === "SCIM_USER_DEPROVISIONED" ? await killSessions(tx, user.id) : undefined;
	await recordScimAudit(tx, ctx, {
		action,
		entityType: "User",
		entityId: user.id,
		entityName: user.userName,
		changes: { ...changes, ...(decision ? accessChange(before.accessTier, decision.tier) : {}) },
		metadata: { ...metadata, ...(sessionsKilled !== undefined ? { sessionsKilled } : {}) },
	});
	return user;
}

/** PUT /Users/{id}: replaces every writable attribute; `active` left out keeps its value. */
export async function replaceUser(
	ctx: ScimContext,
	id: string,
	body: unknown,
	ifMatch: string | undefined,
): Promise<UserResult> {
	const { resource, passwordSupplied } = normalizeResource(body, userResourceType);
	const fields = userFieldsFromScim(resource);
	requireUserName(fields);
	return writeTransaction(ctx, async (tx) => {
		const before = await lockUser(tx, ctx, id);
		assertOwnership(ctx, before, "user");
		assertIfMatch(ifMatch, before.version);
		const active = readActive(resource, before.isActive);
		const user = await persistChange(
			tx,
			ctx,
			before,
			fields,
			active,
			passwordSupplied ? { passwordIgnored: true } : {},
		);
		const memberOf = await groupsOf(tx, ctx, [user.id]);
		return { user, resource: userResource(ctx, user, memberOf.get(user.id)) };
	});
}

/**
 * PATCH /Users/{id}: applied to the stored resource in memory, then written as one update. `active` is
 * always stored, so removing it is refused (docs/decisions/0115); deactivation is `replace active false`.
 */
export async function patchUser(
	ctx: ScimContext,
	id: string,
	body: unknown,
	ifMatch: string | undefined,
): Promise<UserResult> {
	const operations = parsePatchRequest(body);
	return writeTransaction(ctx, async (tx) => {
		const before = await lockUser(tx, ctx, id);
		assertOwnership(ctx, before, "user");
		assertIfMatch(ifMatch, before.version);
		const { meta: _meta, ...current } = userResource(ctx, before);
		const patched = applyPatch(current, operations, userResourceType, { required: ["active"] });
		const fields = userFieldsFromScim(patched.resource);
		requireUserName(fields);
		const active = readActive(patched.resource, before.isActive);
		const user = await persistChange(
			tx,
			ctx,
			before,
			fields,
			active,
			patched.passwordSupplied ? { passwordIgnored: true } : {},
		);
		const memberOf = await groupsOf(tx, ctx, [user.id]);
		return { user, resource: userResource(ctx, user, memberOf.get(user.id)) };
	});
}

/**
 * DELETE /Users/{id}: sessions end and memberships go in the same transaction; the row becomes a tombstone
 * (soft policy: 404 from now on, restorable by externalId) or is removed (hard policy).
 */
export async function deleteUser(ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
	await writeTransaction(ctx, async (tx) => {
		const before = await lockUser(tx, ctx, id);
		assertOwnership(ctx, before, "user");
		assertIfMatch(ifMatch, before.version);
		const sessionsKilled = await killSessions(tx, before.id);
		const hard = ctx.actor.organization.deletePolicy === "hard";
		if (hard) {
			await tx.delete(users).where(eq(users.id, before.id));
		} else {
			await tx.delete(groupMembers).where(eq(groupMembers.userId, before.id));
			const now = new Date();
			const decision = await decideUserAccess(
				tx,
				ctx.actor.organization,
				{ ...before, isActive: false, isDeleted: true },
				"none",
			);
			await tx
				.update(users)
				.set({
					isDeleted: true,
					isActive: false,
					deletedAt: now,
					deactivatedAt: before.deactivatedAt ?? now,
					version: sql`${users.version} + 1`,
					updatedAt: now,
					...accessColumns(decision, now),
				})
				.where(eq(users.id, before.id));
			await storeUserProjectRoles(tx, before.orgId, before, decision);
		}
		await recordScimAudit(tx, ctx, {
			action: "SCIM_USER_DELETED",
			entityType: "User",
			entityId: before.id,
			entityName: before.userName,
			changes: { active: { old: before.isActive, new: false }, ...accessChange(before.accessTier, "NONE") },
			metadata: { sessionsKilled, policy: hard ? "hard" : "soft" },
		});
	});
}

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

function groupRefs(ctx: ScimContext, pairs: [string, string][] | null): GroupRef[] {
	return (pairs ?? []).map(([id, display]) => ({ value: id, display, $ref: `${ctx.base}/Groups/${id}` }));
}

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

/** The predicate `compileFilter` produces for `userName eq` (case-insensitive) and `externalId eq` (caseExact). */
const LOOKUP_PREDICATES: Record<(typeof LOOKUP_KEYS)[number], SQL> = {
	userName: sql`(${users.userName} IS NOT NULL AND lower(${users.userName}) = lower(${sql.placeholder("value")}::text))`,
	externalId: sql`(${users.externalId} IS NOT NULL AND ${users.externalId} = ${sql.placeholder("value")}::text)`,
};

function usersByKey(db: Database, attribute: (typeof LOOKUP_KEYS)[number], withGroups: boolean) {
	const name = `roster_scim_users_by_${attribute}${withGroups ? "_with_groups" : ""}`;
	return preparedRead(db, name, () =>
		selectUserRows(db, withGroups)
			.where(
				sql`${users.orgId} = ${sql.placeholder("orgId")} and not ${users.isDeleted} and ${idpManaged()} and ${LOOKUP_PREDICATES[attribute]}`,
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

export interface ListResult {
	resources: JsonObject[];
	totalResults: number;
	startIndex: number;
	nextCursor?: string;
}

/** Builds the page of a list: filter, count and order all in SQL, one query in the common case. */
export async function listPage<Row>(
	query: ListQuery,
	secret: string,
	run: {
		count: () => Promise<number>;
		page: (limit: number, offset: number) => Promise<{ rows: Row[]; total: number | undefined }>;
		render: (rows: Row[]) => Promise<JsonObject[]>;
	},
): Promise<ListResult> {
	if (query.count === 0)
		return { resources: [], totalResults: await run.count(), startIndex: query.startIndex };
	const offset = query.startIndex - 1;
	const page = await run.page(query.count, offset);
	const totalResults = page.total ?? (offset > 0 ? await run.count() : 0);
	const resources = await run.render(page.rows);
	const next = offset + resources.length;
	return {
		resources,
		totalResults,
		startIndex: query.startIndex,
		...(query.cursor && next < totalResults
			? { nextCursor: encodeCursor(next, query.cursor.fingerprint, secret) }
			: {}),
	};
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

/** Shapes a user for a response by `attributes` / `excludedAttributes` (RFC 7644 §3.9). */
export function projectUser(view: ProjectionOptions, resource: JsonObject): JsonObject {
	return project(resource, userResourceType, view);
}
