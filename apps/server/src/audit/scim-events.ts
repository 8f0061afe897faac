import { type AuditChanges, auditEvents, type Transaction } from "@roster/db";
import type { ScimContext } from "../provisioning/context.ts";

/** The audit actions SCIM writes record (customers' offboarding evidence depends on these names). */
export type ScimAuditAction =
	| "SCIM_USER_PROVISIONED"
	| "SCIM_USER_UPDATED"
	| "SCIM_USER_DEPROVISIONED"
	| "SCIM_USER_REACTIVATED"
	| "SCIM_USER_DELETED"
	| "SCIM_GROUP_PROVISIONED"
	| "SCIM_GROUP_SYNCED"
	| "SCIM_GROUP_DELETED"
	| "SCIM_USER_ACCESS_CHANGED";

/** The SCIM actions that end a user's access: the offboarding report lists them, `/metrics` times them. */
export const ACCESS_ENDING_ACTIONS: readonly ScimAuditAction[] = [
	"SCIM_USER_DEPROVISIONED",
	"SCIM_USER_DELETED",
];

/** One audit event of a SCIM write, before the actor and the request's identity are added. */
export interface ScimAuditEvent {
	action: ScimAuditAction;
	entityType: "User" | "Group";
	entityId: string;
	entityName: string;
	changes: AuditChanges;
	metadata?: Record<string, unknown>;
}

/**
 * Inserts the audit events of a SCIM write inside that write's transaction, so the change and its record
 * commit or roll back together. The actor is the SCIM connection; metadata carries the request's identity.
 * A write that ends a user's access is noted on the request, for the deprovisioning latency metric.
 */
export async function recordScimAudit(
	tx: Transaction,
	ctx: ScimContext,
	...events: ScimAuditEvent[]
): Promise<void> {
	if (events.length === 0) return;
	if (events.some((event) => ACCESS_ENDING_ACTIONS.includes(event.action))) ctx.notes.endedAccess = true;
	const identity = {
		requestId: ctx.request.requestId,
		receivedAt: ctx.notes.receivedAt.toISOString(),
		ip: ctx.request.ip ?? null,
		userAgent: ctx.request.userAgent ?? null,
		tokenPrefix: ctx.actor.token.prefix,
	};
	await tx.insert(auditEvents).values(
		events.map((event) => ({
			orgId: ctx.actor.organization.id,
			actorType: "scim_connection" as const,
			actorId: ctx.actor.connection.id,
			actorName: ctx.actor.connection.name,
			action: event.action,
			entityType: event.entityType,
			entityId: event.entityId,
			entityName: event.entityName,
			changes: event.changes,
			metadata: { ...identity, ...event.metadata },
		})),
	);
}
