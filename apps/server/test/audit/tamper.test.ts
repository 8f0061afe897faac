import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { describeBreak, verifyAuditChain } from "../../src/audit/verify.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { chainOf, freshTenant, provision, tamper } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h?.close();
});

/** A tenant with four sealed SCIM events, and their rows in id order. */
async function sealedTenant(slug: string) {
	const tenant = await freshTenant(h, slug);
	await provision(
		tenant.scim,
		["a", "b", "c", "d"].map((name) => `${name}@${slug}.example`),
	);
	await sealAuditEvents(h.db.db);
	const chain = await chainOf(h.db, tenant.organization.id);
	expect(chain.every((event) => event.hash !== null)).toBe(true);
	expect((await verifyAuditChain(h.db.db, tenant.organization.id)).broken).toBeUndefined();
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
		const result = await verifyAuditChain(h.db.db, organization.id);
		expect(result.verified).toBe(1);
		expect(result.broken).toMatchObject({ eventId: victim, column: "hash", found: chain[1]?.hash });
		expect(result.broken?.expected).toMatch(/^[0-9a-f]{64}$/);
		expect(result.broken?.expected).not.toBe(chain[1]?.hash);
	});

	it("names the event after a deleted one, whose previous hash no longer matches", async () => {
		const { organization, chain } = await sealedTenant("tamper-delete");
		await tamper(h.db, sql`delete from audit_events where id = ${idAt(chain, 1)}::bigint`);
		const result = await verifyAuditChain(h.db.db, organization.id);
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
		expect((await verifyAuditChain(h.db.db, organization.id)).broken).toMatchObject({
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
		expect((await verifyAuditChain(h.db.db, organization.id)).broken).toMatchObject({
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
		const result = await verifyAuditChain(h.db.db, organization.id);
		if (!result.broken) throw new Error("tampering was not detected");
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
		expect((await verifyAuditChain(h.db.db, victim.organization.id)).broken?.eventId).toBe(
			idAt(victim.chain, 1),
		);
		expect(await verifyAuditChain(h.db.db, intact.organization.id)).toMatchObject({
			verified: 4,
			broken: undefined,
		});
	});
});
