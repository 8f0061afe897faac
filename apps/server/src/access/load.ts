import { rows, type Transaction, uuidArray } from "@roster/db";
import type { AccessGroup, AccessTier } from "@roster/domain";
import { type SQL, sql } from "drizzle-orm";
import { idpManaged } from "./idp-managed.ts";
import type { UserAccessInput } from "./resolutions.ts";

/** A user as recompute reads it: its inputs and the tier stored now (to report tier changes). */
export interface LoadedUser {
	id: string;
	active: boolean;
	tier: AccessTier;
	roles: unknown;
	entitlements: unknown;
}

interface UserRow {
	id: string;
	active: boolean | null;
	tier: AccessTier | null;
	roles: unknown;
	entitlements: unknown;
	created_key: string | null;
}

/** The columns of one loaded user; a tombstone counts as inactive. */
const userColumns = sql`u.id, (u.is_active and not u.is_deleted) as active, u.access_tier as tier,
	u.attributes->'roles' as roles, u.attributes->'entitlements' as entitlements`;

function toLoaded(found: UserRow[]): LoadedUser[] {
	return found.flatMap((row) =>
		row.active === null || row.tier === null
			? []
			: [
					{
						id: row.id,
						active: row.active,
						tier: row.tier,
						roles: row.roles ?? null,
						entitlements: row.entitlements ?? null,
					},
				],
	);
}

/** The listed users of the organization (others, and local users, are skipped), in one statement. */
export async function loadUsers(
	tx: Transaction,
	orgId: string,
	ids: readonly string[],
): Promise<LoadedUser[]> {
	if (ids.length === 0) return [];
	return toLoaded(
		await rows<UserRow>(
			tx,
			sql`select ${userColumns}, null as created_key from users as u
				where u.org_id = ${orgId}::uuid and ${idpManaged("u")} and u.id in (select unnest(${uuidArray(ids)}))`,
		),
	);
}

/** One page of a keyset walk: the users found and where the next page starts (undefined at the end). */
export interface UserPage<Key> {
	users: LoadedUser[];
	next: Key | undefined;
}

/**
 * A page of the members of `groupIds` (each user once, in id order after `after`), selected in SQL
 * straight from `group_members`' primary key so a 100,000-member group is walked without its id list.
 * Local users among them are not loaded.
 */
export async function loadMemberPage(
	tx: Transaction,
	orgId: string,
	groupIds: readonly string[],
	after: string | undefined,
	size: number,
): Promise<UserPage<string>> {
	const start: SQL = after === undefined ? sql`true` : sql`gm.user_id > ${after}::uuid`;
	const found = await rows<UserRow & { member_id: string }>(
		tx,
		sql`with page as (
				select distinct gm.user_id from group_members as gm
				where gm.group_id in (select unnest(${uuidArray(groupIds)})) and ${start}
				order by gm.user_id limit ${size})
			select page.user_id as member_id, ${userColumns}, null as created_key
			from page left join users as u on u.id = page.user_id and u.org_id = ${orgId}::uuid and ${idpManaged("u")}
			order by page.user_id`,
	);
	const last = found.at(-1)?.member_id;
	return { users: toLoaded(found), next: found.length < size ? undefined : last };
}

/** Where an organization walk continues: after this `(created_at, id)`, the order of an existing index. */
export interface OrganizationKey {
	createdAt: string;
	id: string;
}

/** A page of all the organization's IdP-managed users, tombstones included, in `(created_at, id)` order. */
export async function loadOrganizationPage(
	tx: Transaction,
	orgId: string,
	after: OrganizationKey | undefined,
	size: number,
): Promise<UserPage<OrganizationKey>> {
	const start: SQL =
		after === undefined
			? sql`true`
			: sql`(u.created_at, u.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
	const found = await rows<UserRow>(
		tx,
		sql`select ${userColumns}, u.created_at::text as created_key from users as u
			where u.org_id = ${orgId}::uuid and ${idpManaged("u")} and ${start}
			order by u.created_at, u.id limit ${size}`,
	);
	const last = found.at(-1);
	return {
		users: toLoaded(found),
		next:
			found.length < size || !last?.created_key ? undefined : { createdAt: last.created_key, id: last.id },
	};
}

interface MembershipRow {
	user_id: string;
	id: string;
	display_name: string;
	external_id: string | null;
	roles: unknown;
	entitlements: unknown;
}

/**
 * The groups of the listed users, in one statement over `group_members (user_id, group_id)`. Each group
 * is one shared object, so users of the same groups resolve alike.
 */
export async function loadGroups(
	tx: Transaction,
	userIds: readonly string[],
): Promise<Map<string, AccessGroup[]>> {
	const byUser = new Map<string, AccessGroup[]>();
	if (userIds.length === 0) return byUser;
	const found = await rows<MembershipRow>(
		tx,
		sql`select gm.user_id, g.id, g.display_name, g.external_id,
				g.attributes->'roles' as roles, g.attributes->'entitlements' as entitlements
			from group_members as gm join groups as g on g.id = gm.group_id
			where gm.user_id in (select unnest(${uuidArray(userIds)}))`,
	);
	const groups = new Map<string, AccessGroup>();
	for (const row of found) {
		let group = groups.get(row.id);
		if (!group) {
			group = {
				id: row.id,
				displayName: row.display_name,
				externalId: row.external_id,
				roles: row.roles ?? null,
				entitlements: row.entitlements ?? null,
			};
			groups.set(row.id, group);
		}
		const list = byUser.get(row.user_id) ?? [];
		list.push(group);
		byUser.set(row.user_id, list);
	}
	return byUser;
}

/** Loaded users with their groups, read in one statement. */
export async function withGroups(tx: Transaction, users: readonly LoadedUser[]): Promise<UserAccessInput[]> {
	const groups = await loadGroups(
		tx,
		users.map((user) => user.id),
	);
	return users.map((user) => ({
		id: user.id,
		active: user.active,
		roles: user.roles,
		entitlements: user.entitlements,
		groups: groups.get(user.id) ?? [],
	}));
}
