import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, type DatabaseHandle, migrate, organizations, rows } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import { sqlState } from "./pg-error.ts";

const RESTRICT_VIOLATION = "23001";
const CHECK_VIOLATION = "23514";

let handle: DatabaseHandle;
let orgId: string;
beforeAll(async () => {
	handle = await createTestDatabase();
	const [org] = await handle.db.select().from(organizations).where(eq(organizations.slug, "default"));
	if (!org) throw new Error("default organization missing");
	orgId = org.id;
});
afterAll(async () => {
	await handle?.close();
});

async function newEvent(): Promise<number> {
	const [event] = await handle.db
		.insert(auditEvents)
		.values({
			orgId,
			actorType: "admin",
			actorName: "root",
			action: "user.create",
			entityType: "user",
			changes: { userName: { old: null, new: "dave" } },
		})
		.returning({ id: auditEvents.id });
	if (!event) throw new Error("event not inserted");
	return event.id;
}

describe("audit_events is append-only", () => {
	it("rejects an ordinary UPDATE", async () => {
		const id = await newEvent();
		expect(
			await sqlState(
				handle.db.update(auditEvents).set({ action: "user.delete" }).where(eq(auditEvents.id, id)),
			),
		).toBe(RESTRICT_VIOLATION);
	});

	it("rejects DELETE", async () => {
		const id = await newEvent();
		expect(await sqlState(handle.db.delete(auditEvents).where(eq(auditEvents.id, id)))).toBe(
			RESTRICT_VIOLATION,
		);
		const left = await rows(handle.db, sql`select id from audit_events where id = ${id}`);
		expect(left).toHaveLength(1);
	});

	it("rejects TRUNCATE", async () => {
		await newEvent();
		expect(await sqlState(handle.db.execute(sql`truncate audit_events`))).toBe(RESTRICT_VIOLATION);
	});

	it("allows exactly one sealing UPDATE of prev_hash, hash and the key version", async () => {
		const id = await newEvent();
		await handle.db
			.update(auditEvents)
			.set({ prevHash: "a".repeat(64), hash: "b".repeat(64), chainKeyVersion: 1 })
			.where(eq(auditEvents.id, id));
		const [sealed] = await handle.db.select().from(auditEvents).where(eq(auditEvents.id, id));
		expect(sealed).toMatchObject({
			prevHash: "a".repeat(64),
			hash: "b".repeat(64),
			chainKeyVersion: 1,
			action: "user.create",
		});
		expect(
			await sqlState(
				handle.db
					.update(auditEvents)
					.set({ prevHash: "c".repeat(64), hash: "d".repeat(64) })
					.where(eq(auditEvents.id, id)),
			),
		).toBe(RESTRICT_VIOLATION);
		expect(
			await sqlState(handle.db.update(auditEvents).set({ chainKeyVersion: 0 }).where(eq(auditEvents.id, id))),
		).toBe(RESTRICT_VIOLATION);
	});

	it("allows sealing the first event of a chain with no previous hash", async () => {
		const id = await newEvent();
		await handle.db
			.update(auditEvents)
			.set({ hash: "e".repeat(64), chainKeyVersion: 1 })
			.where(eq(auditEvents.id, id));
		const [sealed] = await handle.db.select().from(auditEvents).where(eq(auditEvents.id, id));
		expect(sealed).toMatchObject({ prevHash: null, hash: "e".repeat(64), chainKeyVersion: 1 });
	});

	it("refuses a seal without its key version, and a key version without a seal", async () => {
		const id = await newEvent();
		expect(
			await sqlState(
				handle.db
					.update(auditEvents)
					.set({ hash: "e".repeat(64) })
					.where(eq(auditEvents.id, id)),
			),
		).toBe(CHECK_VIOLATION);
		expect(
			await sqlState(handle.db.update(auditEvents).set({ chainKeyVersion: 1 }).where(eq(auditEvents.id, id))),
		).toBe(RESTRICT_VIOLATION);
	});

	it("rejects a sealing UPDATE that also changes another column", async () => {
		const id = await newEvent();
		expect(
			await sqlState(
				handle.db
					.update(auditEvents)
					.set({ hash: "f".repeat(64), actorName: "someone else" })
					.where(eq(auditEvents.id, id)),
			),
		).toBe(RESTRICT_VIOLATION);
	});

	it("rejects an UPDATE that leaves hash empty", async () => {
		const id = await newEvent();
		expect(
			await sqlState(
				handle.db
					.update(auditEvents)
					.set({ prevHash: "a".repeat(64) })
					.where(eq(auditEvents.id, id)),
			),
		).toBe(RESTRICT_VIOLATION);
	});
});

describe("audit_events refuses forged inserts (as a writer with INSERT on the table would send them)", () => {
	const columns = sql`org_id, actor_type, action`;
	const values = () => sql`${orgId}, 'system', 'FORGED'`;

	it.each([
		["hash", sql`hash`, sql`${"f".repeat(64)}`],
		["prev_hash", sql`prev_hash`, sql`${"0".repeat(64)}`],
		["chain_key_version", sql`chain_key_version`, sql`1`],
	])("refuses an event inserted with %s already set", async (_name, column, value) => {
		expect(
			await sqlState(
				handle.db.execute(
					sql`insert into audit_events (${columns}, ${column}) values (${values()}, ${value})`,
				),
			),
		).toBe(RESTRICT_VIOLATION);
	});

	it("refuses a fully sealed row with an explicit id", async () => {
		expect(
			await sqlState(
				handle.db.execute(
					sql`insert into audit_events (id, ${columns}, prev_hash, hash, chain_key_version)
						overriding system value values (9000000000000000000, ${values()}, ${"0".repeat(64)}, ${"f".repeat(64)}, 1)`,
				),
			),
		).toBe(RESTRICT_VIOLATION);
	});

	it("refuses an explicit id, with or without an id allocated earlier in the same session", async () => {
		const explicit = (id: bigint) =>
			sql`insert into audit_events (id, ${columns}) overriding system value values (${id.toString()}::bigint, ${values()})`;
		expect(await sqlState(handle.db.execute(explicit(9_000_000_000_000_000_000n)))).toBe(RESTRICT_VIOLATION);
		expect(
			await sqlState(
				handle.db.transaction(async (tx) => {
					const [row] = await rows<{ id: string }>(
						tx,
						sql`insert into audit_events (${columns}) values (${values()}) returning id::text as id`,
					);
					await tx.execute(explicit(BigInt(row?.id ?? "0") + 1000n));
				}),
			),
		).toBe(RESTRICT_VIOLATION);
		const forged = await rows(handle.db, sql`select id from audit_events where action = 'FORGED'`);
		expect(forged).toEqual([]);
	});

	it("still takes ordinary inserts, one row or many, with ids from the sequence", async () => {
		const inserted = await rows<{ id: string }>(
			handle.db,
			sql`insert into audit_events (${columns}) select ${orgId}, 'system', 'MANY_' || n from generate_series(1, 5) as n
				returning id::text as id`,
		);
		expect(inserted).toHaveLength(5);
		const many = await handle.db
			.insert(auditEvents)
			.values([1, 2, 3].map((n) => ({ orgId, actorType: "system" as const, action: `DRIZZLE_${n}` })))
			.returning({ id: auditEvents.id, hash: auditEvents.hash });
		expect(many.map((event) => event.hash)).toEqual([null, null, null]);
		expect(await newEvent()).toBeGreaterThan(many.at(-1)?.id ?? 0);
	});
});

describe("migrating a chain sealed before it was keyed", () => {
	it("marks its links as key version 0, leaves unsealed events unmarked, and queues one anchor per chain", async () => {
		const legacy = await createTestDatabase({ upTo: "0003_stored_access_decisions" });
		try {
			const [org] = await rows<{ id: string }>(legacy.db, sql`select id::text as id from organizations`);
			await legacy.db.execute(
				sql`insert into audit_events (org_id, actor_type, action)
					select ${org?.id}, 'system', 'OLD_' || n from generate_series(1, 3) as n`,
			);
			await legacy.db.execute(
				sql`update audit_events set prev_hash = ${"0".repeat(64)}, hash = 'h-' || id where action in ('OLD_1', 'OLD_2')`,
			);
			await migrate(legacy);
			const events = await rows<{
				action: string;
				hash: string | null;
				chain_key_version: number | null;
				metadata: unknown;
			}>(
				legacy.db,
				sql`select action, hash, chain_key_version, metadata::text as metadata from audit_events order by id`,
			);
			expect(events.map((event) => [event.action, event.chain_key_version])).toEqual([
				["OLD_1", 0],
				["OLD_2", 0],
				["OLD_3", null],
				["AUDIT_CHAIN_KEYED", null],
			]);
			const anchor = events[3];
			expect(anchor?.hash).toBeNull();
			expect(JSON.parse(String(anchor?.metadata))).toEqual({ keyVersion: 1, legacyHead: events[1]?.hash });
		} finally {
			await legacy.close();
		}
	});
});
