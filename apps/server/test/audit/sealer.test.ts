import { rows } from "@roster/db";
import { AUDIT_GENESIS_HASH, auditEventHash } from "@roster/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageAuditEvents, selectAuditEvents } from "../../src/audit/events.ts";
import { markHorizon, markStillOpen } from "../../src/audit/horizon.ts";
import { sealAuditEvents, startAuditSealer } from "../../src/audit/sealer.ts";
import { verifyAuditChain } from "../../src/audit/verify.ts";
import { createLogger } from "../../src/logger.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { chainOf, freshTenant, keyring, provision, tamper, within } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h?.close();
});

describe("the background sealer", () => {
	it("chains events written by SCIM requests within a second, and verify then passes", async () => {
		const { organization, scim } = await freshTenant(h, "sealed-live");
		const sealer = startAuditSealer({
			db: h.db.db,
			keyring,
			intervalMs: 250,
			logger: createLogger({ level: "silent" }),
		});
		try {
			await provision(scim, ["ada@example.com", "grace@example.com", "linus@example.com"]);
			const took = await within(1000, "sealing", async () =>
				(await chainOf(h.db, organization.id)).every((event) => event.hash !== null),
			);
			expect(took).toBeLessThan(1000);
		} finally {
			await sealer.stop();
		}
		const chain = await chainOf(h.db, organization.id);
		expect(chain.map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			...Array(3).fill("SCIM_USER_PROVISIONED"),
		]);
		expect(chain[0]?.prev_hash).toBe(AUDIT_GENESIS_HASH);
		for (const i of [1, 2, 3]) expect(chain[i]?.prev_hash).toBe(chain[i - 1]?.hash);
		expect(chain.every((event) => event.chain_key_version === 1)).toBe(true);
		expect(await verifyAuditChain(h.db.db, organization.id, keyring)).toMatchObject({
			verified: 4,
			byKeyVersion: new Map([[1, 4]]),
			unsealed: 0,
			head: chain[3]?.hash,
			broken: undefined,
		});
	});

	it("seals what was written before it stopped", async () => {
		const { organization, scim } = await freshTenant(h, "sealed-at-stop");
		const sealer = startAuditSealer({
			db: h.db.db,
			keyring,
			intervalMs: 60_000,
			logger: createLogger({ level: "silent" }),
		});
		await provision(scim, ["stop@example.com"]);
		expect((await chainOf(h.db, organization.id)).at(-1)?.hash).toBeNull();
		await sealer.stop();
		expect((await chainOf(h.db, organization.id)).at(-1)?.hash).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe("sealAuditEvents", () => {
	it("keeps one chain per organization, each starting at the genesis hash, interleaved in id order", async () => {
		const red = await freshTenant(h, "chain-red");
		const blue = await freshTenant(h, "chain-blue");
		await provision(red.scim, ["r1@example.com"]);
		await provision(blue.scim, ["b1@example.com"]);
		await provision(red.scim, ["r2@example.com"]);
		await sealAuditEvents(h.db.db, keyring);
		const reds = await chainOf(h.db, red.organization.id);
		const blues = await chainOf(h.db, blue.organization.id);
		expect(reds.map((event) => event.prev_hash)).toEqual([AUDIT_GENESIS_HASH, reds[0]?.hash, reds[1]?.hash]);
		expect(blues.map((event) => event.prev_hash)).toEqual([AUDIT_GENESIS_HASH, blues[0]?.hash]);
		const [first] = await selectAuditEvents(h.db.db, sql`id = ${reds[0]?.id}::bigint`, 1);
		if (!first) throw new Error("event missing");
		expect(reds[0]?.hash).toBe(auditEventHash(keyring.current, AUDIT_GENESIS_HASH, first));
	});

	it("leaves sealed events alone and continues the chain from its head", async () => {
		const { organization, scim } = await freshTenant(h, "chain-continues");
		await provision(scim, ["one@example.com"]);
		await sealAuditEvents(h.db.db, keyring);
		const before = await chainOf(h.db, organization.id);
		await provision(scim, ["two@example.com"]);
		expect(await sealAuditEvents(h.db.db, keyring)).toBeGreaterThanOrEqual(1);
		const after = await chainOf(h.db, organization.id);
		expect(after.slice(0, before.length)).toEqual(before);
		expect(after[before.length]?.prev_hash).toBe(before.at(-1)?.hash);
		expect(await sealAuditEvents(h.db.db, keyring)).toBe(0);
	});
});

describe("id order", () => {
	it("chains and pages events in numeric id order across digit boundaries", async () => {
		const { organization } = await freshTenant(h, "many-digits");
		await h.db.db.execute(
			sql`insert into audit_events (org_id, actor_type, action)
				select ${organization.id}, 'system', 'BULK_' || n from generate_series(1, 120) as n`,
		);
		await sealAuditEvents(h.db.db, keyring);
		const chain = (await chainOf(h.db, organization.id)).slice(1);
		const ids = chain.map((event) => BigInt(event.id));
		expect(ids).toHaveLength(120);
		expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? id))).toBe(true);
		expect(String(ids.at(-1)).length).toBeGreaterThan(String(ids[0]).length);
		expect(chain.map((event) => event.action)).toEqual(
			Array.from({ length: 120 }, (_, i) => `BULK_${i + 1}`),
		);
		for (const [i, event] of chain.entries()) {
			if (i > 0) expect(event.prev_hash).toBe(chain[i - 1]?.hash);
		}
		expect(await verifyAuditChain(h.db.db, organization.id, keyring)).toMatchObject({
			verified: 121,
			broken: undefined,
		});
		const paged: string[] = [];
		for await (const event of pageAuditEvents(
			h.db.db,
			sql`org_id = ${organization.id} and action like 'BULK_%'`,
			7,
		))
			paged.push(event.id);
		expect(paged).toEqual(chain.map((event) => event.id));
	});
});

describe(`out-of-order commits on ${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
	it("chains a lower id that commits after a higher one in id order", async () => {
		const { organization } = await freshTenant(h, "late-commit");
		const insert = (action: string) =>
			sql`insert into audit_events (org_id, actor_type, action) values (${organization.id}, 'system', ${action})
				returning id::text as id`;
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		let lowId = "";
		let inserted = () => {};
		const lowInserted = new Promise<void>((resolve) => {
			inserted = resolve;
		});
		const slow = h.db.db.transaction(async (tx) => {
			const [low] = await rows<{ id: string }>(tx, insert("LOW"));
			lowId = low?.id ?? "";
			inserted();
			await gate;
		});
		await lowInserted;
		if (h.db.kind === "postgres") {
			await h.db.db.execute(insert("HIGH"));
			const mark = await markHorizon(h.db.db);
			expect(mark.inFlight.length).toBeGreaterThan(0);
			expect(await markStillOpen(h.db.db, mark)).toBe(true);
			expect(await sealAuditEvents(h.db.db, keyring, { waitMs: 0 })).toBe(0);
			expect((await chainOf(h.db, organization.id)).slice(1).every((event) => event.hash === null)).toBe(
				true,
			);
			release();
			await slow;
			expect(await markStillOpen(h.db.db, mark)).toBe(false);
		} else {
			const marking = markHorizon(h.db.db);
			release();
			await slow;
			const mark = await marking;
			expect(mark.inFlight).toEqual([]);
			expect(BigInt(mark.lastId)).toBeGreaterThanOrEqual(BigInt(lowId));
			await h.db.db.execute(insert("HIGH"));
		}
		await sealAuditEvents(h.db.db, keyring);
		const [token, ...chain] = await chainOf(h.db, organization.id);
		expect(chain.map((event) => event.action)).toEqual(["LOW", "HIGH"]);
		expect(chain[0]?.id).toBe(lowId);
		expect(chain[0]?.prev_hash).toBe(token?.hash);
		expect(chain[1]?.prev_hash).toBe(chain[0]?.hash);
		expect((await verifyAuditChain(h.db.db, organization.id, keyring)).broken).toBeUndefined();
	});
});

describe(`each organization's chain advances on its own (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("keeps sealing other organizations after a forged sealed row with a huge id lands in one", async () => {
		const victim = await freshTenant(h, "forged-head");
		const bystander = await freshTenant(h, "forged-bystander");
		await tamper(
			h.db,
			sql`insert into audit_events (id, org_id, actor_type, action, prev_hash, hash, chain_key_version)
				overriding system value
				values (9000000000000000000, ${victim.organization.id}, 'system', 'FORGED', ${AUDIT_GENESIS_HASH}, ${"f".repeat(64)}, 1)`,
		);
		await provision(bystander.scim, ["after-forgery@bystander.example"]);
		await provision(victim.scim, ["after-forgery@victim.example"]);
		await sealAuditEvents(h.db.db, keyring);
		const bystanders = await chainOf(h.db, bystander.organization.id);
		expect(bystanders.map((event) => event.hash === null)).toEqual([false, false]);
		expect(await verifyAuditChain(h.db.db, bystander.organization.id, keyring)).toMatchObject({
			verified: 2,
			broken: undefined,
		});
		const victims = await chainOf(h.db, victim.organization.id);
		expect(victims.map((event) => [event.action, event.hash === null])).toEqual([
			["SCIM_TOKEN_CREATED", true],
			["SCIM_USER_PROVISIONED", true],
			["FORGED", false],
		]);
		expect((await verifyAuditChain(h.db.db, victim.organization.id, keyring)).broken).toEqual({
			eventId: victims[0]?.id,
			sealedAfter: "9000000000000000000",
		});
	});

	it("leaves events below a sealed row of their organization alone and seals the ones after it", async () => {
		const { organization, scim } = await freshTenant(h, "stuck-below-head");
		await provision(scim, ["one@stuck.example", "two@stuck.example"]);
		const [, , pinned] = await chainOf(h.db, organization.id);
		await tamper(
			h.db,
			sql`update audit_events set prev_hash = ${AUDIT_GENESIS_HASH}, hash = ${"e".repeat(64)}, chain_key_version = 1
				where id = ${pinned?.id}::bigint`,
		);
		await provision(scim, ["three@stuck.example"]);
		expect(await sealAuditEvents(h.db.db, keyring)).toBeGreaterThanOrEqual(1);
		const chain = await chainOf(h.db, organization.id);
		expect(chain.map((event) => event.hash === null)).toEqual([true, true, false, false]);
		expect(chain[3]?.prev_hash).toBe("e".repeat(64));
		expect(await sealAuditEvents(h.db.db, keyring)).toBe(0);
	});
});
