import {
	type AuditChanges,
	auditEvents,
	type NewAuditEvent,
	reusableStatement,
	type Transaction,
} from "@roster/db";
import { sql } from "drizzle-orm";
import type { ScimContext } from "../provisioning/context.ts";
import { userSessionsDelete } from "../sessions/sessions.ts";

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

const AUDIT_COLUMNS = [
	"orgId",
	"actorType",
	"actorId",
	"actorName",
	"action",
	"entityType",
	"entityId",
	"entityName",
	"changes",
	"metadata",
] as const;

type ScimAuditRow = Required<Pick<NewAuditEvent, (typeof AUDIT_COLUMNS)[number]>>;

/** A write's single audit event, the common case, built once (docs/decisions/0208). */
const insertAuditEvent = reusableStatement<ScimAuditRow>(
	"roster_insert_scim_audit_event",
	AUDIT_COLUMNS,
	(db, values) => db.insert(auditEvents).values(values),
);

/**
 * The deprovisioning audit insert: the user's sessions are deleted in the same statement, and the event's
 * metadata records how many (`sessionsKilled`), so ending them costs no round trip of its own.
 */
const insertAuditEventEndingSessions = reusableStatement<ScimAuditRow & { userId: string }>(
	"roster_insert_scim_audit_event_ending_sessions",
	[...AUDIT_COLUMNS, "userId"],
	(db, { metadata, userId, ...values }) => {
		const ended = db.$with("ended").as(userSessionsDelete(db, userId));
		return db
			.with(ended)
			.insert(auditEvents)
			.values({
				...values,
				metadata: sql`${sql.param(metadata, auditEvents.metadata)}::jsonb || jsonb_build_object('sessionsKilled', (select count(*) from ${ended}))`,
			});
	},
);

/**
 * The audit row of a SCIM event: the actor is the SCIM connection; metadata carries the request's
 * identity. An event that ends a user's access is noted on the request, for the deprovisioning latency
 * metric.
 */
function auditRow(ctx: ScimContext, event: ScimAuditEvent): ScimAuditRow {
	if (ACCESS_ENDING_ACTIONS.includes(event.action)) ctx.notes.endedAccess = true;
	return {
		orgId: ctx.actor.organization.id,
		actorType: "scim_connection",
		actorId: ctx.actor.connection.id,
		actorName: ctx.actor.connection.name,
		action: event.action,
		entityType: event.entityType,
		entityId: event.entityId,
		entityName: event.entityName,
		changes: event.changes,
		metadata: {
			requestId: ctx.request.requestId,
			receivedAt: ctx.notes.receivedAt.toISOString(),
			ip: ctx.request.ip ?? null,
			userAgent: ctx.request.userAgent ?? null,
			tokenPrefix: ctx.actor.token?.prefix ?? null,
			...event.metadata,
		},
	};
}

/**
 * Inserts the audit events of a SCIM write inside that write's transaction, so the change and its record
 * commit or roll back together.
 */
export async function recordScimAudit(
	tx: Transaction,
	ctx: ScimContext,
	...events: ScimAuditEvent[]
): Promise<void> {
	const rows = events.map((event) => auditRow(ctx, event));
	const [only] = rows;
	if (only && rows.length === 1) await insertAuditEvent.run(tx, only);
	else if (rows.length > 1) await tx.insert(auditEvents).values(rows);
}

/**
 * Records a deprovisioning event and ends every session of `userId` in one statement, in the write's
 * transaction; the event's metadata says how many sessions ended (`sessionsKilled`).
 */
export async function recordScimAuditEndingSessions(
	tx: Transaction,
	ctx: ScimContext,
	event: ScimAuditEvent,
	userId: string,
): Promise<void> {
	await insertAuditEventEndingSessions.run(tx, { ...auditRow(ctx, event), userId });
}
