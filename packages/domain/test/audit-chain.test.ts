import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	AUDIT_GENESIS_HASH,
	auditEventHash,
	type ChainedAuditEvent,
	canonicalAuditEvent,
	checkAuditLink,
	type SealedAuditEvent,
} from "../src/index.ts";

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

function seal(prevHash: string, content: ChainedAuditEvent): SealedAuditEvent {
	return { ...content, prevHash, hash: auditEventHash(prevHash, content) };
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
	it("is the hex sha256 of the previous hash followed by the canonical event", () => {
		const expected = createHash("sha256")
			.update(AUDIT_GENESIS_HASH + canonicalAuditEvent(event))
			.digest("hex");
		expect(auditEventHash(AUDIT_GENESIS_HASH, event)).toBe(expected);
		expect(expected).toMatch(/^[0-9a-f]{64}$/);
	});

	it("keeps a fixed value for a fixed event, so stored chains stay verifiable across releases", () => {
		expect(auditEventHash(AUDIT_GENESIS_HASH, event)).toBe(
			"00df3fedda34edca74cf7b4d2053879a1c323f96f870eaf95ab0295046499aba",
		);
	});

	it("changes when the previous hash or any covered field changes", () => {
		const base = auditEventHash(AUDIT_GENESIS_HASH, event);
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
		for (const variant of variants) expect(auditEventHash(AUDIT_GENESIS_HASH, variant)).not.toBe(base);
		expect(auditEventHash("f".repeat(64), event)).not.toBe(base);
	});
});

describe("checkAuditLink", () => {
	const first = seal(AUDIT_GENESIS_HASH, event);
	const second = seal(first.hash, { ...event, id: "57", action: "SCIM_USER_DELETED" });

	it("accepts a chain that starts at the genesis hash and links each event to the one before", () => {
		expect(checkAuditLink(AUDIT_GENESIS_HASH, first)).toBeUndefined();
		expect(checkAuditLink(first.hash, second)).toBeUndefined();
	});

	it("names an edited event by its recomputed hash", () => {
		const edited = { ...second, changes: { active: { old: false, new: true } } };
		expect(checkAuditLink(first.hash, edited)).toEqual({
			eventId: "57",
			column: "hash",
			expected: auditEventHash(first.hash, edited),
			found: second.hash,
		});
	});

	it("names the event after a deleted one by its previous-hash mismatch", () => {
		expect(checkAuditLink(AUDIT_GENESIS_HASH, second)).toEqual({
			eventId: "57",
			column: "prev_hash",
			expected: AUDIT_GENESIS_HASH,
			found: first.hash,
		});
	});
});
