import { type Column, sql } from "drizzle-orm";
import type { ScimContext } from "./context.ts";

/**
 * Whether an update of a resource would change nothing, so it is not written and no version is spent. An
 * unowned resource is written anyway: the connection that writes it adopts it (`mayChange`).
 */
export function changesNothing(changes: object, before: { connectionId: string | null }): boolean {
	return Object.keys(changes).length === 0 && before.connectionId !== null;
}

/**
 * The columns every IdP update of a user or group sets besides its fields: the owner (an unowned resource
 * is adopted by the writing connection), the next version (the ETag) and the time.
 */
export function revisionColumns(
	ctx: ScimContext,
	before: { connectionId: string | null },
	version: Column,
	now: Date,
) {
	return {
		connectionId: before.connectionId ?? ctx.actor.connection.id,
		version: sql`${version} + 1`,
		updatedAt: now,
	};
}
