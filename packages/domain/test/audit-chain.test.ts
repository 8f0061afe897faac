import { createHash, createHmac, hkdfSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	AUDIT_CHAIN_GENESIS,
	AUDIT_GENESIS_HASH,
	type AuditChainKey,
	auditChainKeyring,
	auditEventHash,
	type ChainedAuditEvent,
	canonicalAuditEvent,
	checkAuditLink,
	deriveAuditChainKey,
	LEGACY_AUDIT_CHAIN_KEY,
	type SealedAuditEvent,
} from "../src/index.ts";

const SECRET = "a-roster-secret-of-at-least-32-bytes!";
const keyring = auditChainKeyring(SECRET);

const event: ChainedAuditEvent = {
	id: "42",
	orgId: "0b6c6a4e-5f0e-4d8e-9a57-3c1f5a1f0c11",
	occurredAt: "2026-11-28T10:15:30.123456Z",
	actor: { type: "scim_connection", id: "c-1", name: "entra" },
	action: "SCIM_USER_DEPROVISIONED",
	entity: { type: "User", id: "u-1", name: "ada@example.com" },
	changes: { active: { old: true, new: false } },
	metadata: { requestId: "r-1", sessionsKilled: 2, receivedAt: "2026-11-28T10:15:30.100Z" },
};

function reversedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(reversedKeys);
	if (value === null || typeof value !== "object") return value;
	return Object.fromEntries(
		Object.entries(value)
			.reverse()
			.map(([key, inner]) => [key, reversedKeys(inner)]),
	);
}

function seal(
	prevHash: string,
	content: ChainedAuditEvent,
	key: AuditChainKey = keyring.current,
): SealedAuditEvent {
	return { ...content, prevHash, hash: auditEventHash(key, prevHash, content), keyVersion: key.version };
}

describe("canonicalAuditEvent", () => {
	it("writes sorted keys without whitespace (RFC 8785)", () => {
		expect(canonicalAuditEvent(event)).toBe(
			'{"action":"SCIM_USER_DEPROVISIONED","actor":{"id":"c-1","name":"entra","type":"scim_connection"},' +
				'"changes":{"active":{"new":false,"old":true}},"entity":{"id":"u-1","name":"ada@example.com","type":"User"},' +
				'"id":"42","metadata":{"receivedAt":"2026-11-28T10:15:30.100Z","requestId":"r-1","sessionsKilled":2},' +
				'"occurredAt":"2026-11-28T10:15:30.123456Z","orgId":"0b6c6a4e-5f0e-4d8e-9a57-3c1f5a1f0c11"}',
		);
	});

	it("writes numbers in their shortest ECMAScript form, as jsonb hands them back", () => {
		const numbers = { ...event, changes: { n: { old: 1.0, new: 1e21 } }, metadata: { x: 0.1, y: -0 } };
		expect(canonicalAuditEvent(numbers)).toContain('"changes":{"n":{"new":1e+21,"old":1}}');
		expect(canonicalAuditEvent(numbers)).toContain('"metadata":{"x":0.1,"y":0}');
	});

	it("does not depend on the key order of changes and metadata (jsonb reorders them)", () => {
		const json = fc.jsonValue();
		fc.assert(
			fc.property(fc.dictionary(fc.string(), json), fc.dictionary(fc.string(), json), (changes, metadata) => {
				const a = { ...event, changes, metadata };
				const b = { ...event, changes: reversedKeys(changes), metadata: reversedKeys(metadata) };
				expect(canonicalAuditEvent(b)).toBe(canonicalAuditEvent(a));
			}),
		);
	});
});

describe("auditEventHash", () => {
	it("is HMAC-SHA256 of the previous hash followed by the canonical event, keyed by HKDF of the secret (v1)", () => {
		const key = Buffer.from(hkdfSync("sha256", SECRET, "roster/audit-chain", "roster audit chain v1", 32));
		const expected = createHmac("sha256", key)
			.update(AUDIT_GENESIS_HASH + canonicalAuditEvent(event))
			.digest("hex");
		expect(keyring.current.version).toBe(1);
		expect(auditEventHash(keyring.current, AUDIT_GENESIS_HASH, event)).toBe(expected);
		expect(expected).toMatch(/^[0-9a-f]{64}$/);
	});

	it("cannot be rebuilt without the secret: another secret, or the unkeyed form, gives another hash", () => {
		const keyed = auditEventHash(keyring.current, AUDIT_GENESIS_HASH, event);
		expect(auditEventHash(deriveAuditChainKey(`${SECRET}-other`, 1), AUDIT_GENESIS_HASH, event)).not.toBe(
			keyed,
		);
		expect(auditEventHash(LEGACY_AUDIT_CHAIN_KEY, AUDIT_GENESIS_HASH, event)).not.toBe(keyed);
		expect(auditEventHash(deriveAuditChainKey(SECRET, 2), AUDIT_GENESIS_HASH, event)).not.toBe(keyed);
	});

	it("keeps the legacy v0 form (plain sha256) so chains sealed before keying stay verifiable", () => {
		const expected = createHash("sha256")
			.update(AUDIT_GENESIS_HASH + canonicalAuditEvent(event))
			.digest("hex");
		expect(auditEventHash(LEGACY_AUDIT_CHAIN_KEY, AUDIT_GENESIS_HASH, event)).toBe(expected);
		expect(expected).toBe("00df3fedda34edca74cf7b4d2053879a1c323f96f870eaf95ab0295046499aba");
	});

	it("changes when the previous hash or any covered field changes", () => {
		const hash = (prevHash: string, content: ChainedAuditEvent) =>
			auditEventHash(keyring.current, prevHash, content);
		const base = hash(AUDIT_GENESIS_HASH, event);
		const variants: ChainedAuditEvent[] = [
			{ ...event, id: "43" },
			{ ...event, orgId: "0b6c6a4e-5f0e-4d8e-9a57-3c1f5a1f0c12" },
			{ ...event, occurredAt: "2026-11-28T10:15:30.123457Z" },
			{ ...event, actor: { ...event.actor, name: "okta" } },
			{ ...event, action: "SCIM_USER_UPDATED" },
			{ ...event, entity: { ...event.entity, name: "eve@example.com" } },
			{ ...event, changes: { active: { old: true, new: true } } },
			{ ...event, metadata: { requestId: "r-1", sessionsKilled: 3, receivedAt: "2026-11-28T10:15:30.100Z" } },
		];
		for (const variant of variants) expect(hash(AUDIT_GENESIS_HASH, variant)).not.toBe(base);
		expect(hash("f".repeat(64), event)).not.toBe(base);
	});
});

describe("checkAuditLink", () => {
	const first = seal(AUDIT_GENESIS_HASH, event);
	const second = seal(first.hash, { ...event, id: "57", action: "SCIM_USER_DELETED" });
	const headOf = (link: SealedAuditEvent) => ({ hash: link.hash, keyVersion: link.keyVersion });

	it("accepts a chain that starts at the genesis hash and links each event to the one before", () => {
		expect(checkAuditLink(AUDIT_CHAIN_GENESIS, first, keyring)).toBeUndefined();
		expect(checkAuditLink(headOf(first), second, keyring)).toBeUndefined();
	});

	it("names an edited event by its recomputed hash", () => {
		const edited = { ...second, changes: { active: { old: false, new: true } } };
		expect(checkAuditLink(headOf(first), edited, keyring)).toEqual({
			eventId: "57",
			column: "hash",
			expected: auditEventHash(keyring.current, first.hash, edited),
			found: second.hash,
		});
	});

	it("names the event after a deleted one by its previous-hash mismatch", () => {
		expect(checkAuditLink(AUDIT_CHAIN_GENESIS, second, keyring)).toEqual({
			eventId: "57",
			column: "prev_hash",
			expected: AUDIT_GENESIS_HASH,
			found: first.hash,
		});
	});

	it("accepts legacy unkeyed links and a keyed link after them", () => {
		const legacy = seal(AUDIT_GENESIS_HASH, event, LEGACY_AUDIT_CHAIN_KEY);
		const keyed = seal(legacy.hash, { ...event, id: "57" });
		expect(checkAuditLink(AUDIT_CHAIN_GENESIS, legacy, keyring)).toBeUndefined();
		expect(checkAuditLink(headOf(legacy), keyed, keyring)).toBeUndefined();
	});

	it("refuses an unkeyed link after a keyed one (a chain rebuilt without the key)", () => {
		const downgraded = seal(first.hash, { ...event, id: "57" }, LEGACY_AUDIT_CHAIN_KEY);
		expect(checkAuditLink(headOf(first), downgraded, keyring)).toEqual({
			eventId: "57",
			column: "chain_key_version",
			expected: "1",
			found: "0",
		});
	});

	it("refuses a key version the keyring does not hold", () => {
		const future = seal(AUDIT_GENESIS_HASH, event, deriveAuditChainKey(SECRET, 2));
		expect(checkAuditLink(AUDIT_CHAIN_GENESIS, future, keyring)).toEqual({
			eventId: "42",
			column: "chain_key_version",
			expected: "0 or 1",
			found: "2",
		});
	});

	it("refuses a keyed link computed with another secret", () => {
		const forged = seal(AUDIT_GENESIS_HASH, event, deriveAuditChainKey(`${SECRET}-attacker`, 1));
		expect(checkAuditLink(AUDIT_CHAIN_GENESIS, forged, keyring)).toMatchObject({
			eventId: "42",
			column: "hash",
			found: forged.hash,
		});
	});
});
