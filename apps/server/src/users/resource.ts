import { type Executor, groupMembers, groups, reusableStatement, type User } from "@roster/db";
import { type AccessGroup, userToScim } from "@roster/domain";
import { type JsonObject, type ProjectionOptions, project, userResourceType } from "@roster/scim";
import { eq, sql } from "drizzle-orm";
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

/** One user's groups as a write reads them: the answer's `groups` and role resolution's input. */
export interface Memberships {
	refs: GroupRef[];
	groups: AccessGroup[];
}

interface MembershipRow {
	id: string;
	displayName: string;
	externalId: string | null;
	roles: unknown;
	entitlements: unknown;
}

const membershipFields = {
	id: groups.id,
	displayName: groups.displayName,
	externalId: groups.externalId,
	roles: sql<unknown>`${groups.attributes}->'roles'`,
	entitlements: sql<unknown>`${groups.attributes}->'entitlements'`,
};

const userMemberships = reusableStatement<{ userId: string }, MembershipRow>(
	"roster_user_memberships",
	["userId"],
	(db, values) =>
		db
			.select(membershipFields)
			.from(groupMembers)
			.innerJoin(groups, eq(groups.id, groupMembers.groupId))
			.where(eq(groupMembers.userId, values.userId)),
	membershipFields,
);

/**
 * The statement that reads one user's groups with what role resolution needs of each. Not awaited here:
 * a write sends it right behind the statement that locks the user (pipelined, read after the lock).
 */
export function membershipsQuery(db: Executor, userId: string) {
	return userMemberships.run(db, { userId });
}

/** The rows of `membershipsQuery` as the answer's `groups` and as role resolution's groups. */
export function memberships(ctx: ScimContext, found: MembershipRow[]): Memberships {
	return {
		refs: found.map((row) => ({
			value: row.id,
			display: row.displayName,
			$ref: `${ctx.base}/Groups/${row.id}`,
		})),
		groups: found.map((row) => ({
			id: row.id,
			displayName: row.displayName,
			externalId: row.externalId,
			roles: row.roles ?? null,
			entitlements: row.entitlements ?? null,
		})),
	};
}

/** Shapes a user for a response by `attributes` / `excludedAttributes` (RFC 7644 §3.9). */
export function projectUser(view: ProjectionOptions, resource: JsonObject): JsonObject {
	return project(resource, userResourceType, view);
}
