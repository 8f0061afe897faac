import { type Transaction, users } from "@roster/db";
import { inArray } from "drizzle-orm";
import { accessChange, rolesChange } from "../audit/access-evidence.ts";
import type { ScimAuditEvent } from "../audit/scim-events.ts";
import type { AccessChange } from "./recompute.ts";

/** What moved a user's access: the group whose membership or roles changed, or a role-mapping change. */
export type AccessChangeCause =
	| { group: { id: string; displayName: string } }
	| { mapping: { id: string; description: string } };

/**
 * One `SCIM_USER_ACCESS_CHANGED` event per user whose tier or project roles a write moved, naming its
 * cause, so a user's own trail (and host applications, as `access.changed`) show a promotion, demotion or
 * lost role with before and after. `changes` is undefined when the recompute was too large to itemize
 * (`ITEMIZED_SCOPE`): the write's own event carries the counts then.
 */
export async function accessChangeEvents(
	tx: Transaction,
	changes: ReadonlyMap<string, AccessChange> | undefined,
	cause: AccessChangeCause,
): Promise<ScimAuditEvent[]> {
	if (!changes || changes.size === 0) return [];
	const names = await tx
		.select({ id: users.id, userName: users.userName })
		.from(users)
		.where(inArray(users.id, [...changes.keys()]));
	return names.map(({ id, userName }) => {
		const change = changes.get(id) as AccessChange;
		return {
			action: "SCIM_USER_ACCESS_CHANGED",
			entityType: "User",
			entityId: id,
			entityName: userName,
			changes: {
				...accessChange(change.tier.old, change.tier.new),
				...rolesChange(change.roles.old, change.roles.new),
			},
			metadata: { cause },
		};
	});
}
