import { type Column, sql } from "drizzle-orm";
import type { ScimContext } from "./context.ts";

/**
 * Whether an update of a resource would change nothing, so it is not written and no version is spent. An
 * unowned resource is written anyway: the connection that writes it adopts it (`mayChange`).
 */
export function changesNothing(changes: object, before: { connectionId: string | null }): boolean {
	return Object.keys(changes).length === 0 && before.connectionId !== null;
}

/** The owner of a resource after an IdP update: an unowned resource is adopted by the writing connection. */
export function ownerAfterWrite(ctx: ScimContext, before: { connectionId: string | null }): string {
	return before.connectionId ?? ctx.actor.connection.id;
}

/**
 * The columns every IdP update of a user or group sets besides its fields: the owner
 * (`ownerAfterWrite`), the next version (the ETag) and the time.
 */
export function revisionColumns(
	ctx: ScimContext,
	before: { connectionId: string | null },
	version: Column,
	now: Date,
) {
	return {
		connectionId: ownerAfterWrite(ctx, before),
		version: sql`${version} + 1`,
		updatedAt: now,
	};
}
