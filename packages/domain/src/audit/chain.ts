import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** What the first sealed event of every organization links to, so a chain has a fixed, known start. */
export const AUDIT_GENESIS_HASH = "0".repeat(64);

/**
 * Everything an audit event's hash covers: every column but the chain columns themselves. Ids travel as
 * decimal strings (bigint-safe) and `occurredAt` as ISO-8601 UTC with the database's microseconds, so the
 * sealer and a later verifier derive the same bytes from the same row whatever the driver.
 */
export interface ChainedAuditEvent {
	id: string;
	orgId: string;
	occurredAt: string;
	actor: { type: string; id: string | null; name: string | null };
	action: string;
	entity: { type: string | null; id: string | null; name: string | null };
	changes: unknown;
	metadata: unknown;
}

/**
 * The RFC 8785 (JCS) canonical JSON of an event: sorted keys, fixed number and string forms, no
 * whitespace. jsonb reorders keys and rewrites numbers, so only a canonical form survives a round trip.
 */
export function canonicalAuditEvent(event: ChainedAuditEvent): string {
	const canonical = canonicalize({
		id: event.id,
		orgId: event.orgId,
		occurredAt: event.occurredAt,
		actor: event.actor,
		action: event.action,
		entity: event.entity,
		changes: event.changes ?? {},
		metadata: event.metadata ?? {},
	});
	if (canonical === undefined) throw new Error(`audit event ${event.id} has no JSON form`);
	return canonical;
}

/** `sha256(prevHash + canonical event)` in lowercase hex: the link that makes an edit or a gap visible. */
export function auditEventHash(prevHash: string, event: ChainedAuditEvent): string {
	return createHash("sha256").update(prevHash).update(canonicalAuditEvent(event)).digest("hex");
}

/** A sealed event as stored: its content plus the two chain columns. */
export interface SealedAuditEvent extends ChainedAuditEvent {
	prevHash: string;
	hash: string;
}

/** Why a link does not hold: which column disagrees, what the chain expected and what the row holds. */
export interface AuditChainBreak {
	eventId: string;
	column: "prev_hash" | "hash";
	expected: string;
	found: string;
}

/**
 * Checks one sealed event against the hash of the sealed event before it (`AUDIT_GENESIS_HASH` for the
 * first). A deleted or reordered predecessor shows as a `prev_hash` mismatch, an edited row as a `hash`
 * mismatch. Returns undefined when the link holds.
 */
export function checkAuditLink(
	expectedPrevHash: string,
	event: SealedAuditEvent,
): AuditChainBreak | undefined {
	if (event.prevHash !== expectedPrevHash) {
		return { eventId: event.id, column: "prev_hash", expected: expectedPrevHash, found: event.prevHash };
	}
	const recomputed = auditEventHash(event.prevHash, event);
	if (event.hash !== recomputed) {
		return { eventId: event.id, column: "hash", expected: recomputed, found: event.hash };
	}
	return undefined;
}
