import { createHash, createHmac, hkdfSync } from "node:crypto";
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

/**
 * The key one link is computed with. Version 0 has none: the legacy unkeyed sha256 chain that anyone able
 * to write the table could rebuild. Versions 1 and up are HMAC-SHA256 keys derived from ROSTER_SECRET.
 */
export interface AuditChainKey {
	version: number;
	key: Buffer | undefined;
}

/** The keys a chain may hold, by version (0 always included), and the one new links are sealed with. */
export interface AuditChainKeyring {
	current: AuditChainKey;
	byVersion: ReadonlyMap<number, AuditChainKey>;
}

/** The legacy link form of events sealed before the chain was keyed (migration 0004 marks them 0). */
export const LEGACY_AUDIT_CHAIN_KEY: AuditChainKey = { version: 0, key: undefined };

const CHAIN_KEY_SALT = "roster/audit-chain";
const CHAIN_KEY_BYTES = 32;

/**
 * Derives the chain key of `version` from ROSTER_SECRET with HKDF-SHA256 (info `roster audit chain v1`),
 * so the key is tied to the secret yet never equal to the token HMAC or encryption keys made from it.
 */
export function deriveAuditChainKey(secret: string, version: number): AuditChainKey {
	const info = `roster audit chain v${version}`;
	return { version, key: Buffer.from(hkdfSync("sha256", secret, CHAIN_KEY_SALT, info, CHAIN_KEY_BYTES)) };
}

/**
 * The keyring of a Roster process: v1 derived from its secret seals, v0 stays verifiable. Rotating the
 * secret later means adding a version here, never rewriting sealed links.
 */
export function auditChainKeyring(secret: string): AuditChainKeyring {
	const current = deriveAuditChainKey(secret, 1);
	return {
		current,
		byVersion: new Map([
			[0, LEGACY_AUDIT_CHAIN_KEY],
			[1, current],
		]),
	};
}

/**
 * `HMAC-SHA256(key, prevHash + canonical event)` in lowercase hex, or plain `sha256(...)` for the legacy
 * version 0: the link that makes an edit or a gap visible, and, keyed, one nobody without the key can forge.
 */
export function auditEventHash(key: AuditChainKey, prevHash: string, event: ChainedAuditEvent): string {
	const digest = key.key === undefined ? createHash("sha256") : createHmac("sha256", key.key);
	return digest.update(prevHash).update(canonicalAuditEvent(event)).digest("hex");
}

/** A sealed event as stored: its content plus the two chain columns. */
export interface SealedAuditEvent extends ChainedAuditEvent {
	prevHash: string;
	hash: string;
	keyVersion: number;
}

/** The last sealed link of a chain: what the next one must link to, and the lowest key version it may use. */
export interface AuditChainHead {
	hash: string;
	keyVersion: number;
}

/** Where every organization's chain starts. */
export const AUDIT_CHAIN_GENESIS: AuditChainHead = { hash: AUDIT_GENESIS_HASH, keyVersion: 0 };

/** Why a link does not hold: which column disagrees, what the chain expected and what the row holds. */
export interface AuditChainBreak {
	eventId: string;
	column: "prev_hash" | "hash" | "chain_key_version";
	expected: string;
	found: string;
}

/**
 * Checks one sealed event against the sealed event before it (`AUDIT_CHAIN_GENESIS` for the first). A key
 * version the keyring does not know, or lower than its predecessor's (an unkeyed link after a keyed one:
 * a downgrade), shows as a `chain_key_version` break; a deleted or reordered predecessor as a `prev_hash`
 * mismatch; an edited row as a `hash` mismatch. Returns undefined when the link holds.
 */
export function checkAuditLink(
	previous: AuditChainHead,
	event: SealedAuditEvent,
	keyring: AuditChainKeyring,
): AuditChainBreak | undefined {
	const key = keyring.byVersion.get(event.keyVersion);
	if (!key || event.keyVersion < previous.keyVersion) {
		const allowed = [...keyring.byVersion.keys()].filter((version) => version >= previous.keyVersion);
		return {
			eventId: event.id,
			column: "chain_key_version",
			expected: allowed.join(" or "),
			found: String(event.keyVersion),
		};
	}
	if (event.prevHash !== previous.hash) {
		return { eventId: event.id, column: "prev_hash", expected: previous.hash, found: event.prevHash };
	}
	const recomputed = auditEventHash(key, event.prevHash, event);
	if (event.hash !== recomputed) {
		return { eventId: event.id, column: "hash", expected: recomputed, found: event.hash };
	}
	return undefined;
}
