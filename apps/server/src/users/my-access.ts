import { type Executor, scimConnections, users } from "@roster/db";
import { readRoleValues } from "@roster/domain";
import { and, eq, not } from "drizzle-orm";
import { type AccessView, readAccessView } from "./access-view.ts";
import { type UserSource, userGroups, userSource } from "./directory.ts";

/**
 * "My access": what a signed-in user may do and why, in the same words the administrator's user page
 * uses. Only ever about the caller: the session names the user, nothing the caller sends does.
 */
export interface MyAccess {
	profile: {
		userName: string;
		displayName: string | null;
		email: string | null;
		active: boolean;
		source: UserSource;
	};
	/** The SCIM connection that manages the user, by name only; null for a local account or a deleted connection. */
	connection: { name: string } | null;
	access: AccessView;
	/** What the IdP sent on the user itself, read the way role resolution reads it. */
	sent: { roles: string[]; entitlements: string[] };
	groups: { items: { id: string; displayName: string }[]; total: number };
}

function valuesOf(raw: unknown): string[] {
	return readRoleValues(raw).map((role) => role.value);
}

/**
 * The signed-in user's own access, read from the stored decision on every call (nothing cached, nothing
 * recomputed), so a SCIM change shows on the next request. Null when the user is gone from the
 * organization (deleted between the session check and this read): the caller treats that as signed out.
 */
export async function readMyAccess(
	db: Executor,
	who: { organizationId: string; userId: string },
): Promise<MyAccess | null> {
	const [found] = await db
		.select({ user: users, connectionName: scimConnections.name })
		.from(users)
		.leftJoin(scimConnections, eq(scimConnections.id, users.connectionId))
		.where(and(eq(users.id, who.userId), eq(users.orgId, who.organizationId), not(users.isDeleted)))
		.limit(1);
	if (!found) return null;
	const { user } = found;
	const groups = await userGroups(db, who.organizationId, user.id);
	return {
		profile: {
			userName: user.userName,
			displayName: user.displayName,
			email: user.email,
			active: user.isActive,
			source: userSource(user.authMethod),
		},
		connection: found.connectionName === null ? null : { name: found.connectionName },
		access: await readAccessView(db, who.organizationId, user),
		sent: { roles: valuesOf(user.attributes.roles), entitlements: valuesOf(user.attributes.entitlements) },
		groups: {
			items: groups.items.map((group) => ({ id: group.id, displayName: group.displayName })),
			total: groups.total,
		},
	};
}
