import { type AuditChanges, auditEvents, type Executor } from "@roster/db";

/** Who made an operator change: `system` with the operator's name for the CLI, `admin` for a console user. */
export interface OperatorActor {
	type: "admin" | "system";
	id?: string;
	name: string;
}

/** One audited operator change (settings, mappings, tokens, keys), named the way the audit trail shows it. */
export interface OperatorEvent {
	action: string;
	entityType: string;
	entityId: string;
	entityName: string;
	changes?: AuditChanges;
	metadata?: Record<string, unknown>;
}

/**
 * Records operator changes in the audit trail, inside the caller's transaction so the change and its
 * record commit together. One home for the actor columns every operator event carries.
 */
export async function recordOperatorEvents(
	db: Executor,
	orgId: string,
	actor: OperatorActor,
	events: readonly OperatorEvent[],
): Promise<void> {
	if (events.length === 0) return;
	await db.insert(auditEvents).values(
		events.map((event) => ({
			orgId,
			actorType: actor.type,
			actorId: actor.id ?? null,
			actorName: actor.name,
			...event,
		})),
	);
}
