import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import type { ScimHarness } from "./harness.ts";

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A PATCH body with the given operations, as both IdPs send it. */
export function patchOf(...operations: unknown[]) {
	return { schemas: [PATCH_OP], Operations: operations };
}

/** Entra's documented create-group body (entra.md §3), with a name and objectId of the test's choosing. */
export function entraGroup(displayName: string, externalId: string) {
	return {
		schemas: [GROUP_SCHEMA, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		externalId,
		displayName,
		meta: { resourceType: "Group" },
	};
}

/** Inserts `count` live users of the harness organization straight into the table; returns their ids in order. */
export async function seedUsers(h: ScimHarness, prefix: string, count: number): Promise<string[]> {
	const found = await rows<{ id: string }>(
		h.db.db,
		sql`insert into users (org_id, user_name)
			select ${h.organization.id}::uuid, ${prefix} || '-' || lpad(n::text, 6, '0') from generate_series(1, ${count}::int) as n
			returning id::text as id`,
	);
	return found.map((row) => row.id);
}

/** The group's member rows, straight from the table. */
export async function memberRows(h: ScimHarness, groupId: string): Promise<string[]> {
	const found = await rows<{ user_id: string }>(
		h.db.db,
		sql`select user_id::text as user_id from group_members where group_id = ${groupId}::uuid order by user_id`,
	);
	return found.map((row) => row.user_id);
}

export interface AuditRow {
	action: string;
	changes: Record<string, { old: unknown; new: unknown }>;
}

export async function auditOf(h: ScimHarness, entityId: string): Promise<AuditRow[]> {
	return rows<AuditRow>(
		h.db.db,
		sql`select action, changes from audit_events where entity_id = ${entityId} order by id`,
	);
}
