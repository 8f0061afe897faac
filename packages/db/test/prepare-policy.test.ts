import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, MAX_PREPARED_TEXTS, observeStatements, PreparePolicy, rows } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import type { DatabaseHandle } from "../src/types.ts";

describe("PreparePolicy", () => {
	it("prepares a text from its second use, never a one-off", () => {
		const policy = new PreparePolicy(10);
		expect(policy.decide("select 1", false)).toBe(false);
		expect(policy.decide("select 1", false)).toBe(true);
		expect(policy.decide("select 1", false)).toBe(true);
		expect(policy.decide("select 2", false)).toBe(false);
		expect(policy.isPrepared("select 2")).toBe(false);
		expect(policy.size).toBe(1);
	});

	it("prepares a named statement (Drizzle's .prepare) on its first use", () => {
		const policy = new PreparePolicy(10);
		expect(policy.decide("select $1", true)).toBe(true);
	});

	it("with N+1 distinct texts each used again and again, prepares no more than N and keeps answering", () => {
		const limit = 5;
		const policy = new PreparePolicy(limit);
		const texts = Array.from({ length: limit + 1 }, (_, i) => `select ${i}`);
		for (let round = 0; round < 3; round++) for (const text of texts) policy.decide(text, round === 2);
		expect(policy.size).toBe(limit);
		expect(policy.decide(`select ${limit}`, true)).toBe(false);
		expect(texts.filter((text) => policy.isPrepared(text))).toHaveLength(limit);
	});

	it("bounds the process at 500 texts", () => {
		expect(MAX_PREPARED_TEXTS).toBe(500);
		const policy = new PreparePolicy();
		for (let i = 0; i < 2 * MAX_PREPARED_TEXTS; i++) policy.decide(`select ${i}`, true);
		expect(policy.size).toBe(MAX_PREPARED_TEXTS);
	});
});

if (process.env.TEST_DATABASE_URL !== undefined)
	describe("the prepare policy on PostgreSQL", () => {
		let handle: DatabaseHandle;
		beforeAll(async () => {
			handle = await createTestDatabase();
		});
		afterAll(async () => {
			await handle.close();
		});

		it("sends a statement used twice as a named prepared statement, in and out of transactions", async () => {
			const seen: { text: string; prepared: boolean }[] = [];
			const stop = observeStatements(handle, ({ text, prepared }) => {
				if (text.startsWith("select $1::int as prepare_policy_probe")) seen.push({ text, prepared });
			});
			const probe = (value: number) => sql`select ${value}::int as prepare_policy_probe`;
			try {
				await rows(handle.db, probe(1));
				const inside = await handle.db.transaction(async (tx) => {
					await rows(tx, probe(2));
					await rows(tx, probe(3));
					return rows<{ n: number }>(
						tx,
						sql`select count(*)::int as n from pg_prepared_statements where statement like '%prepare_policy_probe%'`,
					);
				});
				expect(seen.map((statement) => statement.prepared)).toEqual([false, true, true]);
				expect(inside[0]?.n).toBe(1);
			} finally {
				stop();
			}
		});

		it("observes only a handle opened observable: the server's runs without postgres-js debug mode", async () => {
			const failedQuery = async (db: DatabaseHandle["db"]) => {
				const error = await rows(db, sql`select ${"not a number"}::int`).catch((caught: unknown) => caught);
				return Object.keys((error as { cause: object }).cause);
			};
			expect(await failedQuery(handle.db)).toContain("parameters");
			const server = await createDatabase(process.env.TEST_DATABASE_URL ?? "");
			try {
				expect(() => observeStatements(server, () => {})).toThrow(/not opened observable/);
				expect(await failedQuery(server.db)).not.toContain("parameters");
			} finally {
				await server.close();
			}
		});
	});
