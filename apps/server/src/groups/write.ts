import { randomUUID } from "node:crypto";
import { type AuditChanges, type Group, groups, type Transaction } from "@roster/db";
import { diffFields } from "@roster/domain";
import {
	applyPatch,
	groupResourceType,
	type JsonObject,
	type MemberOp,
	memberIds,
	normalizeResource,
	type ProjectionOptions,
	parsePatchRequest,
	ScimError,
} from "@roster/scim";
import { eq } from "drizzle-orm";
import { accessChangeEvents } from "../access/change-events.ts";
import { accessMetadata } from "../audit/access-evidence.ts";
import { recordScimAudit, type ScimAuditEvent } from "../audit/scim-events.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { changesNothing, revisionColumns } from "../provisioning/revision.ts";
import { groupCause, recomputeMembers } from "./member-access.ts";
import { applyMemberOps, assertMembersAreUsers, type MembershipDelta, membershipChanges } from "./members.ts";
import { type GroupResult, groupAnswer, groupResource, INHERITED } from "./resource.ts";
import { groupWrite, lockGroup } from "./transaction.ts";

interface GroupFields {
	displayName: string;
	externalId: string | null;
	/** The group's `roles` and `entitlements`, which every member inherits in role resolution. */
	attributes: Record<string, unknown>;
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
	if (changesNothing(changes, before)) return before;
	const [group] = await tx
		.update(groups)
		.set({ ...fields, ...revisionColumns(ctx, before, groups.version, new Date()) })
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
	await recordScimAudit(
		tx,
		ctx,
		{
			action: "SCIM_GROUP_SYNCED",
			entityType: "Group",
			entityId: group.id,
			entityName: group.displayName,
			changes,
			...(access ? { metadata: accessMetadata(access) } : {}),
		},
		...(await accessChangeEvents(tx, access?.accessChanges, groupCause(group))),
	);
	return group;
}

function provisioned(id: string, fields: GroupFields, membership: AuditChanges): ScimAuditEvent {
	return {
		action: "SCIM_GROUP_PROVISIONED",
		entityType: "Group",
		entityId: id,
		entityName: fields.displayName,
		changes: { ...diffFields({}, snapshotOf(fields)), ...membership },
	};
}

/**
 * POST /Groups: the group and the members named in the body (inserted as rows) in one transaction. The id
 * is chosen here, so a group without members and its audit event go to PostgreSQL together (pipelined).
 */
export async function createGroup(
	ctx: ScimContext,
	body: unknown,
	view: ProjectionOptions,
): Promise<GroupResult> {
	const { resource } = normalizeResource(body, groupResourceType);
	const fields = fieldsOf(resource);
	const ids = memberIds(resource.members, "members");
	const orgId = ctx.actor.organization.id;
	return groupWrite(ctx, async (tx) => {
		const ops: MemberOp[] = ids.length > 0 ? [{ op: "add", ids }] : [];
		await assertMembersAreUsers(tx, orgId, ops);
		const id = randomUUID();
		const insert = tx
			.insert(groups)
			.values({ ...fields, id, orgId, connectionId: ctx.actor.connection.id })
			.returning();
		if (ops.length === 0) {
			const delta = await applyMemberOps(tx, orgId, id, ops);
			const [[group]] = await Promise.all([
				insert,
				recordScimAudit(tx, ctx, provisioned(id, fields, membershipChanges(delta))),
			]);
			if (!group) throw new Error("group insert returned no row");
			return groupAnswer(tx, ctx, group, view);
		}
		const [group] = await insert;
		if (!group) throw new Error("group insert returned no row");
		const delta = await applyMemberOps(tx, orgId, group.id, ops);
		const access =
			delta.added.count > 0
				? await recomputeMembers(tx, ctx, { id: group.id, versions: [group], everyMember: false }, delta)
				: undefined;
		await recordScimAudit(
			tx,
			ctx,
			{
				...provisioned(id, fields, membershipChanges(delta)),
				...(access ? { metadata: accessMetadata(access) } : {}),
			},
			...(await accessChangeEvents(tx, access?.accessChanges, groupCause(group))),
		);
		return groupAnswer(tx, ctx, group, view);
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
	return groupWrite(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id, ifMatch);
		const group = await persistChange(tx, ctx, before, fields, [{ op: "replace", ids }]);
		return groupAnswer(tx, ctx, group, view);
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
	return groupWrite(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id, ifMatch);
		const { meta: _meta, ...current } = groupResource(ctx, before);
		const patched = applyPatch(current, operations, groupResourceType, { deltaAttributes: ["members"] });
		const fields = fieldsOf(patched.resource);
		const group = await persistChange(tx, ctx, before, fields, patched.deltas.members ?? []);
		return groupAnswer(tx, ctx, group, view);
	});
}

/** DELETE /Groups/{id}: the membership rows and the group go together; the audit event counts the members. */
export async function deleteGroup(ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
	await groupWrite(ctx, async (tx) => {
		const before = await lockGroup(tx, ctx, id, ifMatch);
		const delta = await applyMemberOps(tx, ctx.actor.organization.id, before.id, [{ op: "removeAll" }]);
		await tx.delete(groups).where(eq(groups.id, before.id));
		const access = await recomputeMembers(
			tx,
			ctx,
			{ id: before.id, versions: [before], everyMember: false },
			delta,
		);
		await recordScimAudit(
			tx,
			ctx,
			{
				action: "SCIM_GROUP_DELETED",
				entityType: "Group",
				entityId: before.id,
				entityName: before.displayName,
				changes: {
					...diffFields({ displayName: before.displayName, externalId: before.externalId }, {}),
					...membershipChanges(delta),
				},
				...(access ? { metadata: accessMetadata(access) } : {}),
			},
			...(await accessChangeEvents(tx, access?.accessChanges, groupCause(before))),
		);
	});
}
