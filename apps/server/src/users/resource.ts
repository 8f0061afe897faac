import { type Executor, groupMembers, groups, type User } from "@roster/db";
import { userToScim } from "@roster/domain";
import { type JsonObject, type ProjectionOptions, project, userResourceType } from "@roster/scim";
import { eq, inArray } from "drizzle-orm";
import type { ScimContext } from "../provisioning/context.ts";

/** A write's outcome: the stored row and the SCIM resource the client gets back. */
export interface UserResult {
	user: User;
	resource: JsonObject;
}

/** One entry of a user's `groups`. */
export type GroupRef = { value: string; display: string; $ref: string };

/** The full SCIM User for a row, in the response shape of the client's profile. */
export function userResource(ctx: ScimContext, user: User, memberOf: GroupRef[] = []): JsonObject {
	const resource = userToScim(user, {
		location: `${ctx.base}/Users/${user.id}`,
		roleShape: ctx.profile === "okta" ? "string" : "object",
	});
	return memberOf.length > 0 ? { ...resource, groups: memberOf } : resource;
}

/** `groups` from the `[id, displayName]` pairs a list or lookup read with the user row. */
export function groupRefs(ctx: ScimContext, pairs: [string, string][] | null): GroupRef[] {
	return (pairs ?? []).map(([id, display]) => ({ value: id, display, $ref: `${ctx.base}/Groups/${id}` }));
}

/** The `groups` of each listed user, in one query (for a write's answer, read in its transaction). */
export async function groupsOf(
	db: Executor,
	ctx: ScimContext,
	userIds: string[],
): Promise<Map<string, GroupRef[]>> {
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

/** Shapes a user for a response by `attributes` / `excludedAttributes` (RFC 7644 §3.9). */
export function projectUser(view: ProjectionOptions, resource: JsonObject): JsonObject {
	return project(resource, userResourceType, view);
}
