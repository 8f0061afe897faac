import {
	type Database,
	type Executor,
	type Group,
	groups,
	preparedRead,
	type Transaction,
	violatedUniqueConstraint,
} from "@roster/db";
import { diffFields } from "@roster/domain";
import {
	applyPatch,
	compileFilter,
	GROUP_SCHEMA,
	groupResourceType,
	isUuid,
	type JsonObject,
	type MemberOp,
	memberIds,
	normalizeResource,
	type ProjectionOptions,
	parsePatchRequest,
	project,
	projectsAttribute,
	ScimError,
} from "@roster/scim";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { type RecomputeSummary, recomputeAccess } from "../access/recompute.ts";
import { type GroupForRelevance, groupAffectsAccess } from "../access/relevance.ts";
import { loadAccessStatics } from "../access/statics.ts";
import { accessMetadata, recordScimAudit } from "../audit/scim-events.ts";
import { rethrowAsScimError } from "../provisioning/db-errors.ts";
import { keyLookup, type ListQuery, orderBy } from "../provisioning/lists.ts";
import { assertIfMatch, assertOwnership, etag, notFound } from "../provisioning/preconditions.ts";
import { abandonIfGone } from "../scim/client-gone.ts";
import type { ScimContext } from "../scim/context.ts";
import { type ListResult, listPage } from "../users/provision.ts";
import { groupFields } from "./filter-fields.ts";
import {
	applyMemberOps,
	assertMembersAreUsers,
	type MembershipDelta,
	membershipChanges,
	membersOf,
} from "./members.ts";

/** A group write or read: the stored row and the SCIM resource (with `members` only when the view wants them). */
export interface GroupResult {
	group: Group;
	resource: JsonObject;
}

interface GroupFields {
	displayName: string;
	externalId: string | null;
	/** The group's `roles` and `entitlements`, which every member inherits in role resolution. */
	attributes: Record<string, unknown>;
}

/** Group attributes stored in `groups.attributes`; all of them feed role resolution. */
const INHERITED = ["roles", "entitlements"] as const;

/**
 * Whether a response shaped by `attributes`/`excludedAttributes` shows `members` (judged by the projection's
 * own rules, so every spelling the projection accepts counts). When it does not, group_members is not read.
 */
export function wantsMembers(view: ProjectionOptions): boolean {
	return projectsAttribute(groupResourceType, view, { attr: "members" });
}

/** The SCIM Group for a row; `members` is left out entirely when not given. */
export function groupResource(ctx: ScimContext, group: Group, members?: JsonObject[]): JsonObject {
	return {
		schemas: [GROUP_SCHEMA],
		id: group.id,
		...(group.externalId !== null ? { externalId: group.externalId } : {}),
		displayName: group.displayName,
		...(members ? { members } : {}),
		...Object.fromEntries(
			INHERITED.flatMap((name) => (group.attributes[name] ? [[name, group.attributes[name]]] : [])),
		),
		meta: {
			resourceType: "Group",
			created: group.createdAt.toISOString(),
			lastModified: group.updatedAt.toISOString(),
			location: `${ctx.base}/Groups/${group.id}`,
			version: etag(group.version),
		},
	};
}

/**
 * Shapes a group for a response. An empty member list stays `"members": []` when members are wanted
 * (Entra expects it in the POST answer), though the generic projection drops empty lists.
 */
export function projectGroup(view: ProjectionOptions, resource: JsonObject): JsonObject {
	const projected = project(resource, groupResourceType, view);
	const { members } = resource;
	if (Array.isArray(members) && members.length === 0 && wantsMembers(view)) {
		const { meta, ...rest } = projected;
		return meta === undefined ? { ...rest, members: [] } : { ...rest, members: [], meta };
	}
	return projected;
}

async function render(db: Executor, ctx: ScimContext, rows: Group[], view: ProjectionOptions) {
	const members = wantsMembers(view)
		? await membersOf(
				db,
				ctx.base,
				rows.map((group) => group.id),
			)
		: undefined;
	return rows.map((group) => groupResource(ctx, group, members?.get(group.id)));
}

function fieldsOf(resource: JsonObject): GroupFields {
	const { displayName, externalId } = resource;
	if (typeof displayName !== "string" || displayName.trim() === "") {
		throw new ScimError(400, "invalidValue", "displayName is required.");
	}
	const attributes: Record<string, unknown> = {};
	for (const name of INHERITED) if (resource[name] !== undefined) attributes[name] = resource[name];
	return { displayName, externalId: typeof externalId === "string" ? externalId : null, attributes };
}

/** What a group write compares and audits: its own fields and what its members inherit. */
function snapshotOf(
	fields: Pick<Group, "displayName" | "externalId" | "attributes">,
): Record<string, unknown> {
	const inherited = Object.fromEntries(INHERITED.map((name) => [name, fields.attributes[name] ?? null]));
	return { displayName: fields.displayName, externalId: fields.externalId, ...inherited };
}

async function lockGroup(tx: Transaction, ctx: ScimContext, id: string): Promise<Group> {
	if (!isUuid(id)) throw notFound("Group", id);
	const [group] = await tx
		.select()
		.from(groups)
		.where(and(eq(groups.orgId, ctx.actor.organization.id), eq(groups.id, id)))
		.for("update");
	if (!group) throw notFound("Group", id);
	return group;
}

/** Runs one SCIM group write, mapping displayName/externalId collisions to 409 uniqueness. */
async function writeTransaction<T>(ctx: ScimContext, work: (tx: Transaction) => Promise<T>): Promise<T> {
	try {
		abandonIfGone(ctx.signal);
		return await ctx.db.transaction(work);
	} catch (error) {
		if (error instanceof ScimError) throw error;
		const constraint = violatedUniqueConstraint(error);
		if (constraint === "groups_org_display_name_unique") {
			throw new ScimError(
				409,
				"uniqueness",
				"A group with this displayName already exists in the organization.",
			);
		}
		if (constraint === "groups_org_external_id_unique") {
			throw new ScimError(
				409,
				"uniqueness",
				"A group with this externalId already exists in the organization.",
			);
		}
		rethrowAsScimError(error);
	}
}

/**
 * Recomputes the access of the users a group write affects, when the group can affect access at all
 * (before or after the write): every current member when its name, externalId, roles or entitlements changed, else
 * the members added; and the members removed. Undefined when nothing was recomputed.
 */
async function recomputeMembers(
	tx: Transaction,
	ctx: ScimContext,
	group: { id: string; versions: GroupForRelevance[]; everyMember: boolean },
	delta: MembershipDelta,
): Promise<RecomputeSummary | undefined> {
	const organization = ctx.actor.organization;
	const statics = await loadAccessStatics(tx, organization);
	if (!group.versions.some((version) => groupAffectsAccess(statics, version))) return undefined;
	const summaries: RecomputeSummary[] = [];
	if (group.everyMember) summaries.push(await recomputeAccess(tx, organization, { groupIds: [group.id] }));
	else if (delta.added.count > 0) {
		summaries.push(await recomputeAccess(tx, organization, { userIds: delta.added.userIds }));
	}
	if (delta.removed.count > 0) {
		summaries.push(await recomputeAccess(tx, organization, { userIds: delta.removed.userIds }));
	}
	if (summaries.length === 0) return undefined;
	return summaries.reduce((total, next) => ({
		usersExamined: total.usersExamined + next.usersExamined,
		usersChanged: total.usersChanged + next.usersChanged,
		tierChanges: undefined,
		projectsCreated: total.projectsCreated + next.projectsCreated,
	}));
}

/**
 * Writes a group's new fields and member operations in the caller's transaction: members checked, then
 * applied as row deltas, then ONE update of the group row (version, updated_at), the access of the users
 * it affects, and its audit event. Nothing changes and no version is spent when the request changed nothing.
 */
async function persistChange(
	tx: Transaction,
	ctx: ScimContext,
	before: Group,
	fields: GroupFields,
	ops: MemberOp[],
): Promise<Group> {
	const orgId = ctx.actor.organization.id;
	await assertMembersAreUsers(tx, orgId, ops);
	const delta: MembershipDelta = await applyMemberOps(tx, orgId, before.id, ops);
	const changes = {
		...diffFields(snapshotOf(before), snapshotOf(fields)),
		...membershipChanges(delta),
	};
	if (Object.keys(changes).length === 0 && before.connectionId !== null) return before;
	const [group] = await tx
		.update(groups)
		.set({
			...fields,
			connectionId: before.connectionId ?? ctx.actor.connection.id,
			version: sql`${groups.version} + 1`,
			updatedAt: new Date(),
		})
		.where(eq(groups.id, before.id))
		.returning();
	if (!group) throw new Error("group update returned no row");
	const access = await recomputeMembers(
		tx,
		ctx,
		{
			id: group.id,
			versions: [before, group],
			everyMember: ["displayName", "externalId", ...INHERITED].some((field) => field in changes),
		},
		delta,
	);
	await recordScimAudit(tx, ctx, {
		action: "SCIM_GROUP_SYNCED",
		entityType: "Group",
		entityId: group.id,
		entityName: group.displayName,
		changes,
		...(access ? { metadata: accessMetadata(access) } : {}),
	});
	return group;
}

/** POST /Groups: the group and the members named in the body (inserted as rows) in one transaction. */
export async function createGroup(
	ctx: ScimContext,
	body: unknown,
	view: ProjectionOptions,
): Promise<GroupResult> {
	const { resource } = normalizeResource(body, groupResourceType);
	const fields = fieldsOf(resource);
	const ids = memberIds(resource.members, "members");
	const orgId = ctx.actor.organization.id;
	return writeTransaction(ctx, async (tx) => {
		const ops: MemberOp[] = ids.length > 0 ? [{ op: "add", ids }] : [];
		await assertMembersAreUsers(tx, orgId, ops);
		const [group] = await tx
			.insert(groups)
			.values({ ...fields, orgId, connectionId: ctx.actor.connection.id })
			.returning();
		if (!group) throw new Error("group insert returned no row");
		const delta = await applyMemberOps(tx, orgId, group.id, ops);
		const access =
			delta.added.count > 0
				? await recomputeMembers(tx, ctx, { id: group.id, versions: [group], everyMember: false }, delta)
				: undefined;
		await recordScimAudit(tx, ctx, {
			action: "SCIM_GROUP_PROVISIONED",
			entityType: "Group",
			entityId: group.id,
			entityName: group.displayName,
			changes: { ...diffFields({}, snapshotOf(fields)), ...membershipChanges(delta) },
			...(access ? { metadata: accessMetadata(access) } : {}),
		});
		const [rendered] = await render(tx, ctx, [group], view);
		return { group, resource: rendered ?? groupResource(ctx, group) };
	});
}

/**
 * PUT /Groups/{id}: replaces displayName, externalId and the member set. The set is applied as a delta
 * in SQL (rows outside it deleted, missing ones inserted); `members` left out empties the group (RFC 7644
 * §3.5.1, docs/decisions/0051).
 */
export async function replaceGroup(
	ctx: ScimContext,
	id: string,
	body: unknown,
	ifMatch: string | undefined,
	view: ProjectionOptions,
): Promise<GroupResult> {
	const { resource } = normalizeResource(body, groupResourceType);
	const fields = fieldsOf(resource);
	const ids = memberIds(resource.members, "members");
	return writeTransaction(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id);
		assertOwnership(ctx, before, "group");
		assertIfMatch(ifMatch, before.version);
		const group = await persistChange(tx, ctx, before, fields, [{ op: "replace", ids }]);
		const [rendered] = await render(tx, ctx, [group], view);
		return { group, resource: rendered ?? groupResource(ctx, group) };
	});
}

/**
 * PATCH /Groups/{id}: displayName/externalId are patched on the member-less resource by the engine; the
 * `members` operations come back as deltas and run as SQL in request order, all in one transaction. A bad
 * operation anywhere (including an unknown member) leaves the group untouched. Members are read for the
 * answer only when `view` asks for them; without a view (a 204 answer) they are never read.
 */
export async function patchGroup(
	ctx: ScimContext,
	id: string,
	body: unknown,
	ifMatch: string | undefined,
	view?: ProjectionOptions,
): Promise<GroupResult> {
	const operations = parsePatchRequest(body);
	return writeTransaction(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id);
		assertOwnership(ctx, before, "group");
		assertIfMatch(ifMatch, before.version);
		const { meta: _meta, ...current } = groupResource(ctx, before);
		const patched = applyPatch(current, operations, groupResourceType, { deltaAttributes: ["members"] });
		const fields = fieldsOf(patched.resource);
		const group = await persistChange(tx, ctx, before, fields, patched.deltas.members ?? []);
		if (!view) return { group, resource: groupResource(ctx, group) };
		const [rendered] = await render(tx, ctx, [group], view);
		return { group, resource: rendered ?? groupResource(ctx, group) };
	});
}

/** DELETE /Groups/{id}: the membership rows and the group go together; the audit event counts the members. */
export async function deleteGroup(ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
	await writeTransaction(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id);
		assertOwnership(ctx, before, "group");
		assertIfMatch(ifMatch, before.version);
		const delta = await applyMemberOps(tx, ctx.actor.organization.id, before.id, [{ op: "removeAll" }]);
		await tx.delete(groups).where(eq(groups.id, before.id));
		const access = await recomputeMembers(
			tx,
			ctx,
			{ id: before.id, versions: [before], everyMember: false },
			delta,
		);
		await recordScimAudit(tx, ctx, {
			action: "SCIM_GROUP_DELETED",
			entityType: "Group",
			entityId: before.id,
			entityName: before.displayName,
			changes: {
				...diffFields({ displayName: before.displayName, externalId: before.externalId }, {}),
				...membershipChanges(delta),
			},
			...(access ? { metadata: accessMetadata(access) } : {}),
		});
	});
}

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

/** The predicate `compileFilter` produces for `displayName eq` (case-insensitive) and `externalId eq` (caseExact). */
const LOOKUP_PREDICATES: Record<(typeof LOOKUP_KEYS)[number], SQL> = {
	displayName: sql`(${groups.displayName} IS NOT NULL AND lower(${groups.displayName}) = lower(${sql.placeholder("value")}::text))`,
	externalId: sql`(${groups.externalId} IS NOT NULL AND ${groups.externalId} = ${sql.placeholder("value")}::text)`,
};

function selectGroupRows(db: Database) {
	return db.select({ group: groups, total: sql<number>`count(*) over ()`.mapWith(Number) }).from(groups);
}

function groupsByKey(db: Database, attribute: (typeof LOOKUP_KEYS)[number]) {
	const name = `roster_scim_groups_by_${attribute}`;
	return preparedRead(db, name, () =>
		selectGroupRows(db)
			.where(sql`${groups.orgId} = ${sql.placeholder("orgId")} and ${LOOKUP_PREDICATES[attribute]}`)
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
	const [rendered] = await render(ctx.db, ctx, [group], view);
	return { group, resource: rendered ?? groupResource(ctx, group) };
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
			(await render(ctx.db, ctx, rows, view)).map((resource) => projectGroup(view, resource)),
	});
}
