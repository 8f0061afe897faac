import { randomUUID } from "node:crypto";
import { type NewUser, reusableStatement, type Transaction, type User, users } from "@roster/db";
import {
	type AccessDecision,
	type AccessGroup,
	diffFields,
	type FieldChanges,
	type UserFields,
	userFieldsFromScim,
} from "@roster/domain";
import {
	applyPatch,
	isUuid,
	type JsonObject,
	normalizeResource,
	parsePatchRequest,
	ScimError,
	userResourceType,
} from "@roster/scim";
import { eq, getTableColumns, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { decidedRoles, type HeldRole, heldRolesQuery } from "../access/held-roles.ts";
import {
	type AccessColumns,
	accessColumns,
	decideUserAccess,
	storeUserProjectRoles,
} from "../access/user-decision.ts";
import { accessChange, rolesChange } from "../audit/access-evidence.ts";
import { recordScimAudit } from "../audit/scim-events.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { notFound } from "../provisioning/preconditions.ts";
import { changesNothing, ownerAfterWrite } from "../provisioning/revision.ts";
import { noteUnusableRoles } from "../provisioning/role-notices.ts";
import { activityColumns, recordUserWrite, restorableTombstone } from "./lifecycle.ts";
import {
	type Memberships,
	memberships,
	membershipsQuery,
	type UserResult,
	userResource,
} from "./resource.ts";
import { lockUser, userWrite } from "./transaction.ts";

/** The columns of `UserFields`, the access columns, and what a create and an update store besides. */
const FIELD_COLUMNS = [
	"userName",
	"email",
	"displayName",
	"givenName",
	"familyName",
	"externalId",
	"attributes",
] as const satisfies readonly (keyof UserFields)[];
const ACCESS_COLUMNS = [
	"accessTier",
	"accessTierSource",
	"accessExplanation",
	"accessComputedAt",
] as const satisfies readonly (keyof AccessColumns)[];
const CHANGED_COLUMNS = [...FIELD_COLUMNS, "isActive", "deactivatedAt", "connectionId", "updatedAt"] as const;
const NEW_USER_COLUMNS = [
	...CHANGED_COLUMNS,
	...ACCESS_COLUMNS,
	"id",
	"orgId",
	"isDeleted",
	"deletedAt",
	"authMethod",
] as const;

type NewScimUser = Required<Pick<NewUser, (typeof NEW_USER_COLUMNS)[number]>>;
type ChangedUser = Required<Pick<NewUser, (typeof CHANGED_COLUMNS)[number]>> & { id: string };

/** The hot user writes, built once (docs/decisions/0208). */
const insertScimUser = reusableStatement<NewScimUser, User>(
	"roster_insert_scim_user",
	NEW_USER_COLUMNS,
	(db, values) => db.insert(users).values(values).returning(),
	getTableColumns(users),
);

function userUpdate<Values extends ChangedUser>(name: string, keys: readonly (keyof Values & string)[]) {
	return reusableStatement<Values, User>(
		name,
		keys,
		(db, { id, ...set }) =>
			db
				.update(users)
				// Placeholders stand for the values; Drizzle binds them with each column's encoder.
				.set({ ...(set as PgUpdateSetSource<typeof users>), version: sql`${users.version} + 1` })
				.where(eq(users.id, id))
				.returning(),
		getTableColumns(users),
	);
}

const updateScimUser = userUpdate<ChangedUser>("roster_update_scim_user", [...CHANGED_COLUMNS, "id"]);
const updateScimUserAccess = userUpdate<ChangedUser & AccessColumns>("roster_update_scim_user_access", [
	...CHANGED_COLUMNS,
	...ACCESS_COLUMNS,
	"id",
]);

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

/**
 * Where a create's insert can be undone: a create with an externalId inserts a new user in the same round
 * trip as its tombstone lookup, and rolls back to here only in the rare case the lookup found one to restore.
 */
const newUserSavepoint = reusableStatement<Record<string, never>>("roster_savepoint_new_user", [], () => ({
	toSQL: () => ({ sql: "savepoint new_user", params: [] }),
}));

/**
 * The tombstone a create restores (`restorableTombstone`), then the savepoint that the create's insert,
 * sent after both in the same round trip, can be rolled back to if there is one.
 */
async function tombstoneBehindSavepoint(
	tx: Transaction,
	ctx: ScimContext,
	externalId: string,
): Promise<User | undefined> {
	const [tombstone] = await Promise.all([
		restorableTombstone(tx, ctx, externalId),
		newUserSavepoint.run(tx, {}),
	]);
	return tombstone;
}

/**
 * POST /Users. The id is chosen here, so the row and its audit event go to PostgreSQL together (pipelined
 * in the transaction, docs/decisions/0201); a userName collision fails the INSERT and so the whole
 * transaction, audit event included. A user tombstoned by a soft DELETE comes back with the same id when
 * the connection that owned it creates it again with the same externalId (`restorableTombstone`): the
 * tombstone lookup is pipelined with the insert behind a savepoint, so the common create (no tombstone)
 * costs no round trip for it (docs/decisions/0250). A local user is never adopted: its userName is taken,
 * so the create is 409 uniqueness.
 */
export async function createUser(ctx: ScimContext, body: unknown): Promise<UserResult> {
	const { resource, passwordSupplied } = normalizeResource(body, userResourceType);
	const fields = userFieldsFromScim(resource);
	requireUserName(fields);
	const active = readActive(resource, true);
	const orgId = ctx.actor.organization.id;
	return userWrite(ctx, async (tx) => {
		const now = new Date();
		const decide = (id: string | undefined) =>
			decideUserAccess(
				tx,
				ctx.actor.organization,
				{ id, isActive: active, isDeleted: false, attributes: fields.attributes },
				"none",
			);
		const valuesOf = (decision: AccessDecision) => ({
			...fields,
			...activityColumns(active, now),
			isDeleted: false,
			deletedAt: null,
			connectionId: ctx.actor.connection.id,
			authMethod: "SCIM" as const,
			updatedAt: now,
			...accessColumns(decision, now),
		});
		const provisioned = (id: string, decision: AccessDecision, tombstone?: User) =>
			recordScimAudit(tx, ctx, {
				action: "SCIM_USER_PROVISIONED",
				entityType: "User",
				entityId: id,
				entityName: fields.userName,
				changes: {
					...diffFields({}, snapshot(fields, active)),
					...accessChange(tombstone?.accessTier ?? null, decision.tier),
					...rolesChange([], decidedRoles(decision)),
				},
				metadata: {
					...(passwordSupplied ? { passwordIgnored: true } : {}),
					...(tombstone ? { restored: true } : {}),
				},
			});
		const decision = await decide(undefined);
		noteUnusableRoles(ctx.notes, decision);
		const id = randomUUID();
		const lookup = fields.externalId ? tombstoneBehindSavepoint(tx, ctx, fields.externalId) : undefined;
		const [[user], tombstone] = await Promise.all([
			insertScimUser.run(tx, { ...valuesOf(decision), id, orgId }),
			lookup,
			provisioned(id, decision),
		]);
		if (!user) throw new Error("user insert returned no row");
		if (tombstone === undefined) {
			await storeUserProjectRoles(tx, orgId, user, decision, { hadNone: true });
			return { user, resource: userResource(ctx, user) };
		}
		await tx.execute(sql`rollback to savepoint new_user`);
		const restoredDecision = await decide(tombstone.id);
		const [[restored]] = await Promise.all([
			tx
				.update(users)
				.set({ ...valuesOf(restoredDecision), version: sql`${users.version} + 1` })
				.where(eq(users.id, tombstone.id))
				.returning(),
			provisioned(tombstone.id, restoredDecision, tombstone),
		]);
		if (!restored) throw new Error("tombstone restore returned no row");
		await storeUserProjectRoles(tx, orgId, restored, restoredDecision, { hadNone: false });
		return { user: restored, resource: userResource(ctx, restored) };
	});
}

/** The user fields role resolution reads: a change to any other field never recomputes access. */
const ACCESS_INPUTS = ["active", "roles", "entitlements"] as const;

/**
 * Writes a replaced or patched user: nothing when nothing changed, else one update (access recomputed from
 * `groups`, the user's groups read after its lock, when an access input changed), and the audit event
 * with the lifecycle consequences of `active` (`recordUserWrite`: deprovisioning ends the sessions in the
 * event's statement). The update, the project roles and the event touch different rows and go together
 * (pipelined).
 */
async function persistChange(
	tx: Transaction,
	ctx: ScimContext,
	before: User,
	{ groups, roles }: { groups: readonly AccessGroup[]; roles: readonly HeldRole[] },
	fields: UserFields,
	active: boolean,
	passwordSupplied: boolean,
): Promise<User> {
	const changes: FieldChanges = diffFields(
		snapshot(fieldsOf(before), before.isActive),
		snapshot(fields, active),
	);
	if (changesNothing(changes, before)) return before;
	const now = new Date();
	const decision = ACCESS_INPUTS.some((key) => key in changes)
		? await decideUserAccess(
				tx,
				ctx.actor.organization,
				{ id: before.id, isActive: active, isDeleted: false, attributes: fields.attributes },
				groups,
			)
		: undefined;
	noteUnusableRoles(ctx.notes, decision);
	const changed: ChangedUser = {
		...fields,
		...activityColumns(active, now, before.deactivatedAt),
		connectionId: ownerAfterWrite(ctx, before),
		updatedAt: now,
		id: before.id,
	};
	const event = {
		entityType: "User" as const,
		entityId: before.id,
		entityName: fields.userName,
		changes: {
			...changes,
			...(decision
				? { ...accessChange(before.accessTier, decision.tier), ...rolesChange(roles, decidedRoles(decision)) }
				: {}),
		},
		metadata: passwordSupplied ? { passwordIgnored: true } : {},
	};
	const [[user]] = await Promise.all([
		decision
			? updateScimUserAccess.run(tx, { ...changed, ...accessColumns(decision, now) })
			: updateScimUser.run(tx, changed),
		decision
			? storeUserProjectRoles(tx, before.orgId, before, decision, { hadNone: roles.length === 0 })
			: false,
		recordUserWrite(tx, ctx, event, before.isActive, active),
	]);
	if (!user) throw new Error("user update returned no row");
	return user;
}

/**
 * Locks the user a write names and reads its groups and held project roles in the same round trip: the
 * reads are sent right behind the lock (pipelined) and PostgreSQL runs them once the lock is held, so they
 * see what the write works from. The groups serve role resolution and the answer (a user write never
 * changes memberships); the roles are the "before" of the audit event when the write changes them.
 */
async function lockWithGroups(
	tx: Transaction,
	ctx: ScimContext,
	id: string,
	ifMatch: string | undefined,
): Promise<{ before: User; groups: Memberships; roles: HeldRole[] }> {
	if (!isUuid(id)) throw notFound("User", id);
	const locked = lockUser(tx, ctx, id, ifMatch);
	const [before, found, roles] = await Promise.all([
		locked,
		membershipsQuery(tx, id),
		heldRolesQuery(tx, id),
	]);
	return { before, groups: memberships(ctx, found), roles };
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
	return userWrite(ctx, async (tx) => {
		const { before, groups, roles } = await lockWithGroups(tx, ctx, id, ifMatch);
		const active = readActive(resource, before.isActive);
		const inputs = { groups: groups.groups, roles };
		const user = await persistChange(tx, ctx, before, inputs, fields, active, passwordSupplied);
		return { user, resource: userResource(ctx, user, groups.refs) };
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
	return userWrite(ctx, async (tx) => {
		const { before, groups, roles } = await lockWithGroups(tx, ctx, id, ifMatch);
		const { meta: _meta, ...current } = userResource(ctx, before);
		const patched = applyPatch(current, operations, userResourceType, { required: ["active"] });
		const fields = userFieldsFromScim(patched.resource);
		requireUserName(fields);
		const active = readActive(patched.resource, before.isActive);
		const user = await persistChange(
			tx,
			ctx,
			before,
			{ groups: groups.groups, roles },
			fields,
			active,
			patched.passwordSupplied,
		);
		return { user, resource: userResource(ctx, user, groups.refs) };
	});
}
