import { type Database, type Organization, rows } from "@roster/db";
import type { AuditChainKeyring } from "@roster/domain";
import { sql } from "drizzle-orm";
import { selectLatestAuditEventsOf } from "./events.ts";
import { type OperatorActor, recordOperatorEvents } from "./operator-events.ts";
import { describeBreak, describeKeyVersions, verifyAuditChain } from "./verify.ts";

/** The action of the event that records a console verification of the chain (and its result). */
export const CHAIN_VERIFIED_ACTION = "AUDIT_CHAIN_VERIFIED";

/** The result of one full verification, as recorded in its audit event and shown by the console. */
export interface RecordedVerification {
	/** The id of the `AUDIT_CHAIN_VERIFIED` event that holds this result. */
	eventId: string;
	verifiedAt: string;
	verifiedBy: string | null;
	intact: boolean;
	/** Sealed events whose links held (up to the break, if any). */
	verified: number;
	/** The id of the last event the verification covered; later events are not verified yet. */
	upToEventId: string | null;
	head: string;
	/** Links per key version, e.g. `{ "1": 120, "0": 3 }`. */
	keyVersions: Record<string, number>;
	/** The one line naming the first broken link; null when intact. */
	broken: string | null;
	durationMs: number;
}

/** The chain at a glance: live facts read by index, plus the last full verification. */
export interface ChainStatus {
	/** The newest sealed event: its id, hash and key version; null before the first seal. */
	head: { eventId: string; hash: string; keyVersion: number | null } | null;
	/** Events not linked into the chain yet (the sealer links them within about a second). */
	unsealed: number;
	/** The current chain key version new links are sealed with. */
	currentKeyVersion: number;
	lastVerification: RecordedVerification | null;
}

/**
 * What the console shows about an organization's chain, at a bounded cost whatever the trail's size:
 * the sealed head (one backward index scan), the unsealed count (the partial `hash is null` index) and
 * the last recorded verification (the `(org_id, action)` index). Full verification reads every event, so
 * it runs only on request (`verifyAndRecord`), never on a page load.
 */
export async function auditChainStatus(
	db: Database,
	orgId: string,
	keyring: AuditChainKeyring,
): Promise<ChainStatus> {
	const [head] = await rows<{ id: string; hash: string; key_version: number | null }>(
		db,
		sql`select id::text as id, hash, chain_key_version::int as key_version from audit_events
			where org_id = ${orgId} and hash is not null order by audit_events.id desc limit 1`,
	);
	const [unsealed] = await rows<{ count: number }>(
		db,
		sql`select count(*)::int as count from audit_events where hash is null and org_id = ${orgId}`,
	);
	const [last] = await selectLatestAuditEventsOf(db, sql`org_id = ${orgId}`, [CHAIN_VERIFIED_ACTION], 1);
	return {
		head: head ? { eventId: head.id, hash: head.hash, keyVersion: head.key_version } : null,
		unsealed: unsealed?.count ?? 0,
		currentKeyVersion: keyring.current.version,
		lastVerification: last ? recordedVerification(last) : null,
	};
}

/**
 * Verifies the whole chain now (`verifyAuditChain`: every event read a page at a time, one HMAC each, so
 * its cost grows with the trail: about a second per 100,000 events) and records the result as an
 * `AUDIT_CHAIN_VERIFIED` event by `actor`, so who checked, when and what they found is itself evidence.
 */
export async function verifyAndRecord(
	db: Database,
	organization: Pick<Organization, "id" | "slug">,
	actor: OperatorActor,
	keyring: AuditChainKeyring,
): Promise<RecordedVerification> {
	const orgId = organization.id;
	const [newest] = await rows<{ id: string | null }>(
		db,
		sql`select max(id)::text as id from audit_events where org_id = ${orgId}`,
	);
	const started = performance.now();
	const result = await verifyAuditChain(db, orgId, keyring);
	const durationMs = Math.round(performance.now() - started);
	const broken = result.broken ? describeBreak(organization.slug, result.broken) : null;
	const metadata = {
		intact: result.broken === undefined,
		verified: result.verified,
		upToEventId: newest?.id ?? null,
		head: result.head,
		keyVersions: Object.fromEntries(result.byKeyVersion),
		keys: describeKeyVersions(result.byKeyVersion),
		unsealed: result.unsealed,
		broken,
		durationMs,
	};
	await db.transaction((tx) =>
		recordOperatorEvents(tx, orgId, actor, [
			{
				action: CHAIN_VERIFIED_ACTION,
				entityType: "AuditChain",
				entityId: orgId,
				entityName: "audit chain",
				metadata,
			},
		]),
	);
	const [recorded] = await selectLatestAuditEventsOf(db, sql`org_id = ${orgId}`, [CHAIN_VERIFIED_ACTION], 1);
	if (!recorded) throw new Error("the verification event was not recorded");
	return recordedVerification(recorded);
}

function recordedVerification(event: {
	id: string;
	occurredAt: string;
	actor: { name: string | null };
	metadata: unknown;
}): RecordedVerification {
	const m = (event.metadata ?? {}) as Partial<
		Omit<RecordedVerification, "eventId" | "verifiedAt" | "verifiedBy">
	>;
	return {
		eventId: event.id,
		verifiedAt: event.occurredAt,
		verifiedBy: event.actor.name,
		intact: m.intact === true,
		verified: m.verified ?? 0,
		upToEventId: m.upToEventId ?? null,
		head: m.head ?? "",
		keyVersions: m.keyVersions ?? {},
		broken: m.broken ?? null,
		durationMs: m.durationMs ?? 0,
	};
}
