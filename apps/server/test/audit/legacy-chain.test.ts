import { type DatabaseHandle, migrate, rows } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import {
	AUDIT_GENESIS_HASH,
	auditEventHash,
	type ChainedAuditEvent,
	LEGACY_AUDIT_CHAIN_KEY,
} from "@roster/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { verifyAuditChain } from "../../src/audit/verify.ts";
import { verifyAuditCommand } from "../../src/cli/audit.ts";
import { chainOf, keyring, tamper } from "./fixtures.ts";

/** The last migration of the release whose sealer chained events with unkeyed sha256. */
const BEFORE_KEYING = "0003_stored_access_decisions";

let db: DatabaseHandle;
const orgs: Record<"a" | "b", string> = { a: "", b: "" };

/** Events as the previous release read them (it had no key version column). */
async function legacyEvents(orgId: string): Promise<ChainedAuditEvent[]> {
	const found = await rows<{ id: string; occurred_at: string; action: string }>(
		db.db,
		sql`select id::text as id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
			action from audit_events where org_id = ${orgId} order by audit_events.id`,
	);
	return found.map((row) => ({
		id: row.id,
		orgId,
		occurredAt: row.occurred_at,
		actor: { type: "system", id: null, name: null },
		action: row.action,
		entity: { type: null, id: null, name: null },
		changes: {},
		metadata: {},
	}));
}

/** Seals the first `count` events of an organization as the previous release's sealer did. */
async function sealUnkeyed(orgId: string, count: number): Promise<void> {
	let prevHash = AUDIT_GENESIS_HASH;
	for (const event of (await legacyEvents(orgId)).slice(0, count)) {
		const hash = auditEventHash(LEGACY_AUDIT_CHAIN_KEY, prevHash, event);
		await db.db.execute(
			sql`update audit_events set prev_hash = ${prevHash}, hash = ${hash} where id = ${event.id}::bigint`,
		);
		prevHash = hash;
	}
}

beforeAll(async () => {
	db = await createTestDatabase({ upTo: BEFORE_KEYING });
	const created = await rows<{ slug: "a" | "b"; id: string }>(
		db.db,
		sql`insert into organizations (slug, name) values ('a', 'A'), ('b', 'B') returning slug, id::text as id`,
	);
	for (const org of created) orgs[org.slug] = org.id;
	await db.db.execute(
		sql`insert into audit_events (org_id, actor_type, action)
			select o, 'system', 'OLD_' || n from (values (${orgs.a}::uuid), (${orgs.b}::uuid)) as v(o), generate_series(1, 4) as n
			order by n, o`,
	);
	await sealUnkeyed(orgs.a, 3);
	await sealUnkeyed(orgs.b, 4);
	await migrate(db);
});
afterAll(async () => {
	await db?.close();
});

describe(`a chain sealed unkeyed before the upgrade (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("still verifies, reported as unkeyed v0, and is anchored by the first keyed seal", async () => {
		expect(await verifyAuditChain(db.db, orgs.a, keyring)).toMatchObject({
			verified: 3,
			byKeyVersion: new Map([[0, 3]]),
			unsealed: 2,
			broken: undefined,
		});
		await sealAuditEvents(db.db, keyring);
		const chain = await chainOf(db, orgs.a);
		expect(chain.map((event) => [event.action, event.chain_key_version])).toEqual([
			["OLD_1", 0],
			["OLD_2", 0],
			["OLD_3", 0],
			["OLD_4", 1],
			["AUDIT_CHAIN_KEYED", 1],
		]);
		expect(chain[3]?.prev_hash).toBe(chain[2]?.hash);
		const [anchor] = await rows<{ metadata: string }>(
			db.db,
			sql`select metadata::text as metadata from audit_events where id = ${chain[4]?.id}::bigint`,
		);
		expect(JSON.parse(anchor?.metadata ?? "")).toEqual({ keyVersion: 1, legacyHead: chain[2]?.hash });
		expect(await verifyAuditCommand(db.db, "a", keyring)).toBe(
			`Audit chain of a is intact: 5 sealed events verified (keys: v1 HMAC 2, v0 unkeyed 3), 0 not sealed yet, head ${chain[4]?.hash}`,
		);
	});

	it("catches its unkeyed links rebuilt after an edit at the keyed link that anchors them", async () => {
		await sealAuditEvents(db.db, keyring);
		const chain = await chainOf(db, orgs.b);
		expect(chain.map((event) => event.chain_key_version)).toEqual([0, 0, 0, 0, 1]);
		await tamper(db, sql`update audit_events set action = 'OLD_EDITED' where id = ${chain[1]?.id}::bigint`);
		let prevHash = chain[0]?.hash ?? "";
		for (const event of (await legacyEvents(orgs.b)).slice(1, 4)) {
			const hash = auditEventHash(LEGACY_AUDIT_CHAIN_KEY, prevHash, event);
			await tamper(
				db,
				sql`update audit_events set prev_hash = ${prevHash}, hash = ${hash} where id = ${event.id}::bigint`,
			);
			prevHash = hash;
		}
		expect(await verifyAuditChain(db.db, orgs.b, keyring)).toMatchObject({
			verified: 4,
			broken: { eventId: chain[4]?.id, column: "prev_hash", expected: prevHash, found: chain[3]?.hash },
		});
	});
});
