import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, type DatabaseHandle, organizations, rows } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import { sqlState } from "./pg-error.ts";

const RESTRICT_VIOLATION = "23001";

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

	it("allows exactly one sealing UPDATE of prev_hash and hash", async () => {
		const id = await newEvent();
		await handle.db
			.update(auditEvents)
			.set({ prevHash: "a".repeat(64), hash: "b".repeat(64) })
			.where(eq(auditEvents.id, id));
		const [sealed] = await handle.db.select().from(auditEvents).where(eq(auditEvents.id, id));
		expect(sealed).toMatchObject({ prevHash: "a".repeat(64), hash: "b".repeat(64), action: "user.create" });
		expect(
			await sqlState(
				handle.db
					.update(auditEvents)
					.set({ prevHash: "c".repeat(64), hash: "d".repeat(64) })
					.where(eq(auditEvents.id, id)),
			),
		).toBe(RESTRICT_VIOLATION);
	});

	it("allows sealing the first event of a chain with no previous hash", async () => {
		const id = await newEvent();
		await handle.db
			.update(auditEvents)
			.set({ hash: "e".repeat(64) })
			.where(eq(auditEvents.id, id));
		const [sealed] = await handle.db.select().from(auditEvents).where(eq(auditEvents.id, id));
		expect(sealed).toMatchObject({ prevHash: null, hash: "e".repeat(64) });
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
