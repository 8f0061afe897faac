import { rows } from "@roster/db";
import { auditEventHash, LEGACY_AUDIT_CHAIN_KEY } from "@roster/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectAuditEvents } from "../../src/audit/events.ts";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { describeBreak, verifyAuditChain } from "../../src/audit/verify.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { chainOf, freshTenant, keyring, provision, tamper } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h?.close();
});

/** A tenant with five sealed events (its token's, then four SCIM writes), and their rows in id order. */
async function sealedTenant(slug: string) {
	const tenant = await freshTenant(h, slug);
	await provision(
		tenant.scim,
		["a", "b", "c", "d"].map((name) => `${name}@${slug}.example`),
	);
	await sealAuditEvents(h.db.db, keyring);
	const chain = await chainOf(h.db, tenant.organization.id);
	expect(chain.every((event) => event.hash !== null)).toBe(true);
	expect((await verifyAuditChain(h.db.db, tenant.organization.id, keyring)).broken).toBeUndefined();
	return { ...tenant, chain };
}

function idAt(chain: { id: string }[], index: number): string {
	const id = chain[index]?.id;
	if (id === undefined) throw new Error(`no event at ${index}`);
	return id;
}

describe(`audit verify against rows changed behind the trigger's back (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("names an event whose changes were edited, with the hash it should have", async () => {
		const { organization, chain } = await sealedTenant("tamper-edit");
		const victim = idAt(chain, 1);
		await tamper(
			h.db,
			sql`update audit_events set changes = '{"userName":{"old":null,"new":"mallory"}}'::jsonb where id = ${victim}::bigint`,
		);
		const result = await verifyAuditChain(h.db.db, organization.id, keyring);
		expect(result.verified).toBe(1);
		expect(result.broken).toMatchObject({
			eventId: victim,
			column: "hash",
			found: chain[1]?.hash,
			expected: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
		expect(result.broken).not.toMatchObject({ expected: chain[1]?.hash });
	});

	it("names the event after a deleted one, whose previous hash no longer matches", async () => {
		const { organization, chain } = await sealedTenant("tamper-delete");
		await tamper(h.db, sql`delete from audit_events where id = ${idAt(chain, 1)}::bigint`);
		const result = await verifyAuditChain(h.db.db, organization.id, keyring);
		expect(result.broken).toEqual({
			eventId: idAt(chain, 2),
			column: "prev_hash",
			expected: chain[0]?.hash,
			found: chain[1]?.hash,
		});
	});

	it("names an event whose hash was forged", async () => {
		const { organization, chain } = await sealedTenant("tamper-forge");
		const forged = "e".repeat(64);
		await tamper(h.db, sql`update audit_events set hash = ${forged} where id = ${idAt(chain, 2)}::bigint`);
		expect((await verifyAuditChain(h.db.db, organization.id, keyring)).broken).toMatchObject({
			eventId: idAt(chain, 2),
			column: "hash",
			found: forged,
		});
	});

	it("names an event moved to another place in the chain by swapping contents", async () => {
		const { organization, chain } = await sealedTenant("tamper-reorder");
		await tamper(
			h.db,
			sql`update audit_events e set prev_hash = s.prev_hash, hash = s.hash
				from audit_events s
				where (e.id, s.id) in ((${idAt(chain, 1)}::bigint, ${idAt(chain, 2)}::bigint), (${idAt(chain, 2)}::bigint, ${idAt(chain, 1)}::bigint))`,
		);
		expect((await verifyAuditChain(h.db.db, organization.id, keyring)).broken).toMatchObject({
			eventId: idAt(chain, 1),
			column: "prev_hash",
		});
	});

	it("reports a broken link in one line naming the event, the expected and the found hash", async () => {
		const { organization, chain } = await sealedTenant("tamper-line");
		await tamper(
			h.db,
			sql`update audit_events set action = 'SCIM_USER_UPDATED' where id = ${idAt(chain, 3)}::bigint`,
		);
		const result = await verifyAuditChain(h.db.db, organization.id, keyring);
		if (!result.broken || "sealedAfter" in result.broken) throw new Error("tampering was not detected");
		const line = describeBreak("tamper-line", result.broken);
		expect(line).not.toContain("\n");
		expect(line).toBe(
			`Audit chain of tamper-line is broken at event ${idAt(chain, 3)}: hash expected ${result.broken.expected}, found ${chain[3]?.hash}`,
		);
	});

	it("does not let tampering with one organization break another's chain", async () => {
		const intact = await sealedTenant("tamper-bystander");
		const victim = await sealedTenant("tamper-target");
		await tamper(h.db, sql`delete from audit_events where id = ${idAt(victim.chain, 0)}::bigint`);
		expect((await verifyAuditChain(h.db.db, victim.organization.id, keyring)).broken?.eventId).toBe(
			idAt(victim.chain, 1),
		);
		expect(await verifyAuditChain(h.db.db, intact.organization.id, keyring)).toMatchObject({
			verified: 5,
			broken: undefined,
		});
	});

	it("names an unsealed event slipped into the sealed chain, with the sealed event after it", async () => {
		const tenant = await freshTenant(h, "tamper-slip-in");
		await provision(tenant.scim, ["before@slip.example"]);
		const [gap] = await rows<{ id: string }>(
			h.db.db,
			sql`select nextval(pg_get_serial_sequence('audit_events', 'id'))::text as id`,
		);
		await provision(tenant.scim, ["after@slip.example"]);
		await sealAuditEvents(h.db.db, keyring);
		await tamper(
			h.db,
			sql`insert into audit_events (id, org_id, actor_type, action)
				overriding system value values (${gap?.id}::bigint, ${tenant.organization.id}, 'system', 'SLIPPED_IN')`,
		);
		const chain = await chainOf(h.db, tenant.organization.id);
		expect(chain.map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_USER_PROVISIONED",
			"SLIPPED_IN",
			"SCIM_USER_PROVISIONED",
		]);
		const result = await verifyAuditChain(h.db.db, tenant.organization.id, keyring);
		expect(result.broken).toEqual({ eventId: gap?.id, sealedAfter: chain[3]?.id });
		if (!result.broken) throw new Error("the slipped-in event was not detected");
		expect(describeBreak("tamper-slip-in", result.broken)).toBe(
			`Audit chain of tamper-slip-in is broken at event ${gap?.id}: it is not sealed, but event ${chain[3]?.id} after it is`,
		);
	});

	it.each([
		["keeps the key version", 1, "hash"],
		["downgrades the links to unkeyed v0", 0, "chain_key_version"],
	])(
		"names the edited event when the chain after it is rebuilt without the key and %s",
		async (_how, version, column) => {
			const { organization, chain } = await sealedTenant(`tamper-rebuild-v${version}`);
			const edited = idAt(chain, 2);
			await tamper(h.db, sql`update audit_events set entity_name = 'mallory' where id = ${edited}::bigint`);
			const events = await selectAuditEvents(h.db.db, sql`org_id = ${organization.id}`, 100);
			let prevHash = chain[1]?.hash ?? "";
			for (const event of events.slice(2)) {
				const hash = auditEventHash(LEGACY_AUDIT_CHAIN_KEY, prevHash, event);
				await tamper(
					h.db,
					sql`update audit_events set prev_hash = ${prevHash}, hash = ${hash}, chain_key_version = ${version}
						where id = ${event.id}::bigint`,
				);
				prevHash = hash;
			}
			expect(await verifyAuditChain(h.db.db, organization.id, keyring)).toMatchObject({
				verified: 2,
				broken: { eventId: edited, column },
			});
		},
	);
});
