import {
	type AuditChanges,
	type Executor,
	groupMembers,
	rows,
	type Transaction,
	users,
	uuidArray,
} from "@roster/db";
import { isUuid, type JsonObject, type MemberOp, ScimError } from "@roster/scim";
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";

/** How many member ids one audit event keeps per direction; the counts stay exact. */
export const AUDITED_MEMBER_IDS = 100;

/**
 * Rows one membership step inserted or deleted: the exact count, the first ids (for the audit log) and
 * every id (whose access is recomputed).
 */
export interface MemberChange {
	count: number;
	ids: string[];
	userIds: string[];
}

export interface MembershipDelta {
	added: MemberChange;
	removed: MemberChange;
}

const NONE: MemberChange = { count: 0, ids: [], userIds: [] };

function merge(a: MemberChange, b: MemberChange): MemberChange {
	if (b.count === 0) return a;
	if (a.count === 0) return b;
	return {
		count: a.count + b.count,
		ids: [...a.ids, ...b.ids].slice(0, AUDITED_MEMBER_IDS),
		userIds: [...a.userIds, ...b.userIds],
	};
}

async function counted(tx: Transaction, statement: SQL): Promise<MemberChange> {
	const [row] = await rows<{ n: number | string; ids: string | null }>(
		tx,
		sql`with changed as (${statement} returning user_id)
			select count(*)::int as n, string_agg(user_id::text, ',') as ids from changed`,
	);
	const count = Number(row?.n ?? 0);
	const userIds = count > 0 && row?.ids ? row.ids.split(",") : [];
	return { count, ids: userIds.slice(0, AUDITED_MEMBER_IDS), userIds };
}

function insertMembers(
	tx: Transaction,
	orgId: string,
	groupId: string,
	ids: string[],
): Promise<MemberChange> {
	if (ids.length === 0) return Promise.resolve(NONE);
	return counted(
		tx,
		sql`insert into group_members (group_id, user_id)
			select ${groupId}::uuid, u.id from users u
			where u.org_id = ${orgId}::uuid and not u.is_deleted and ${idpManaged("u")}
				and u.id in (select unnest(${uuidArray(ids)}))
			on conflict do nothing`,
	);
}

function deleteMembers(tx: Transaction, groupId: string, ids: string[]): Promise<MemberChange> {
	const keys = ids.filter(isUuid);
	if (keys.length === 0) return Promise.resolve(NONE);
	return counted(
		tx,
		sql`delete from group_members
			where (group_id, user_id) in (select ${groupId}::uuid, unnest(${uuidArray(keys)}))`,
	);
}

function deleteAllMembers(tx: Transaction, groupId: string): Promise<MemberChange> {
	return counted(tx, sql`delete from group_members where group_id = ${groupId}::uuid`);
}

function deleteMembersOutside(tx: Transaction, groupId: string, ids: string[]): Promise<MemberChange> {
	if (ids.length === 0) return deleteAllMembers(tx, groupId);
	return counted(
		tx,
		sql`delete from group_members as member
			where member.group_id = ${groupId}::uuid
				and not exists (select 1 from unnest(${uuidArray(ids)}) as wanted(id) where wanted.id = member.user_id)`,
	);
}

async function applyOne(
	tx: Transaction,
	orgId: string,
	groupId: string,
	op: MemberOp,
): Promise<MembershipDelta> {
	switch (op.op) {
		case "add":
			return { added: await insertMembers(tx, orgId, groupId, op.ids), removed: NONE };
		case "remove":
			return { added: NONE, removed: await deleteMembers(tx, groupId, op.ids) };
		case "removeAll":
			return { added: NONE, removed: await deleteAllMembers(tx, groupId) };
		case "replace": {
			const removed = await deleteMembersOutside(tx, groupId, op.ids);
			return { added: await insertMembers(tx, orgId, groupId, op.ids), removed };
		}
	}
}

/**
 * Applies member operations IN ORDER as row inserts and deletes; the member list is never read, so a
 * change costs the same on any group size. Adding a member twice and removing an absent one are no-ops.
 * Call `assertMembersAreUsers` first, in the same transaction, so nothing is half-applied.
 */
export async function applyMemberOps(
	tx: Transaction,
	orgId: string,
	groupId: string,
	ops: MemberOp[],
): Promise<MembershipDelta> {
	let total: MembershipDelta = { added: NONE, removed: NONE };
	for (const op of ops) {
		const step = await applyOne(tx, orgId, groupId, op);
		total = { added: merge(total.added, step.added), removed: merge(total.removed, step.removed) };
	}
	return total;
}

/**
 * Ids among `ids` that are not live IdP-managed users of the organization (malformed ids and local users
 * included), in one query.
 */
export async function unknownMembers(tx: Transaction, orgId: string, ids: string[]): Promise<string[]> {
	const malformed = ids.filter((id) => !isUuid(id));
	const candidates = ids.filter(isUuid);
	if (candidates.length === 0) return malformed;
	const missing = await rows<{ id: string }>(
		tx,
		sql`select unnest(${uuidArray(candidates)})::text as id
			except
			select id::text from users
			where org_id = ${orgId}::uuid and not is_deleted and ${idpManaged()}
				and id in (select unnest(${uuidArray(candidates)}))`,
	);
	return [...malformed, ...missing.map((row) => row.id)];
}

const LISTED_UNKNOWN = 20;

/**
 * Refuses a membership change that names anything but a live user of the organization (unknown, local or
 * tombstoned users, other organizations' users, groups, non-UUIDs): 400 invalidValue listing them, before
 * anything is applied (docs/decisions/0050). Ids only removed are not checked: removing them is a no-op.
 */
export async function assertMembersAreUsers(tx: Transaction, orgId: string, ops: MemberOp[]): Promise<void> {
	const named = new Set<string>();
	for (const op of ops) if (op.op === "add" || op.op === "replace") for (const id of op.ids) named.add(id);
	if (named.size === 0) return;
	const unknown = await unknownMembers(tx, orgId, [...named]);
	if (unknown.length === 0) return;
	const listed = unknown.slice(0, LISTED_UNKNOWN).join(", ");
	const more = unknown.length > LISTED_UNKNOWN ? ` and ${unknown.length - LISTED_UNKNOWN} more` : "";
	throw new ScimError(
		400,
		"invalidValue",
		`members: not users of this organization: ${listed}${more}. Nothing was changed.`,
	);
}

/** The audit `changes` entries of a membership delta (counts and the first ids); empty when no row changed. */
export function membershipChanges(delta: MembershipDelta): AuditChanges {
	const audited = (change: MemberChange) => ({ count: change.count, ids: change.ids });
	const changes: AuditChanges = {};
	if (delta.added.count > 0) changes.membersAdded = { old: null, new: audited(delta.added) };
	if (delta.removed.count > 0) changes.membersRemoved = { old: audited(delta.removed), new: null };
	return changes;
}

/**
 * The `members` of each listed group as SCIM returns them (display: the user's displayName, else userName),
 * in one query for a whole page of groups; local users are never among them.
 */
export async function membersOf(
	db: Executor,
	base: string,
	groupIds: string[],
): Promise<Map<string, JsonObject[]>> {
	const byGroup = new Map<string, JsonObject[]>(groupIds.map((id) => [id, []]));
	if (groupIds.length === 0) return byGroup;
	const found = await db
		.select({
			groupId: groupMembers.groupId,
			userId: users.id,
			displayName: users.displayName,
			userName: users.userName,
		})
		.from(groupMembers)
		.innerJoin(users, and(eq(users.id, groupMembers.userId), eq(users.isDeleted, false), idpManaged()))
		.where(inArray(groupMembers.groupId, groupIds))
		.orderBy(asc(groupMembers.groupId), asc(groupMembers.createdAt), asc(groupMembers.userId));
	for (const row of found) {
		byGroup.get(row.groupId)?.push({
			value: row.userId,
			display: row.displayName ?? row.userName,
			$ref: `${base}/Users/${row.userId}`,
			type: "User",
		});
	}
	return byGroup;
}
