import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeStatements, rows } from "../src/index.ts";
import { TransactionAbortedError } from "../src/pipelined-begin.ts";
import { createTestDatabase } from "../src/testing.ts";
import type { DatabaseHandle, Transaction } from "../src/types.ts";

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

let handle: DatabaseHandle;
beforeAll(async () => {
	handle = await createTestDatabase();
	await handle.db.execute(sql`create table pipelined_probe (n int primary key)`);
	await handle.db.execute(sql`insert into pipelined_probe values (1)`);
});
afterAll(async () => {
	await handle.close();
});

const insert = (tx: Transaction, n: number) => tx.execute(sql`insert into pipelined_probe values (${n})`);
const stored = async () =>
	(await rows<{ n: number }>(handle.db, sql`select n from pipelined_probe order by n`)).map((row) => row.n);

describe("a transaction that fails writes nothing, on every driver", () => {
	it("a failed statement rolls back the statements before it and rejects with its own error", async () => {
		const failure = await handle.db
			.transaction(async (tx) => {
				await insert(tx, 2);
				await insert(tx, 1);
			})
			.catch((error: unknown) => error);
		expect(String((failure as { cause?: unknown }).cause ?? failure)).toMatch(/duplicate key/);
		expect(await stored()).toEqual([1]);
	});

	it("a failure the work caught and went on from is not committed: the transaction rejects", async () => {
		const failure = await handle.db
			.transaction(async (tx) => {
				await insert(tx, 3);
				await insert(tx, 1).catch(() => undefined);
				return "went on";
			})
			.catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(Error);
		if (onPostgres) expect(failure).toBeInstanceOf(TransactionAbortedError);
		expect(await stored()).toEqual([1]);
	});

	it("an error thrown by the work after its statements rolls them back", async () => {
		const failure = await handle.db
			.transaction(async (tx) => {
				await insert(tx, 4);
				throw new Error("changed my mind");
			})
			.catch((error: unknown) => error);
		expect((failure as Error).message).toBe("changed my mind");
		expect(await stored()).toEqual([1]);
	});

	it("a nested transaction that fails rolls back to its savepoint, and the outer one commits", async () => {
		await handle.db.transaction(async (tx) => {
			await insert(tx, 7);
			const inner = await tx
				.transaction(async (nested) => {
					await insert(nested, 8);
					await insert(nested, 1);
				})
				.catch(() => "rolled back");
			expect(inner).toBe("rolled back");
			await tx.transaction(async (nested) => insert(nested, 9));
		});
		expect(await stored()).toEqual([1, 7, 9]);
		await handle.db.execute(sql`delete from pipelined_probe where n in (7, 9)`);
	});
});

if (onPostgres)
	describe("transactions on PostgreSQL begin pipelined", () => {
		it("sends BEGIN with the first statement (one socket write, postgres-js flushes on setImmediate)", async () => {
			const sent: { connection: number; text: string; write: number }[] = [];
			let write = 0;
			let flushing = false;
			const stop = observeStatements(handle, ({ connection, text }) => {
				sent.push({ connection, text, write });
				if (flushing) return;
				flushing = true;
				setImmediate(() => {
					write++;
					flushing = false;
				});
			});
			try {
				await handle.db.transaction(async (tx) => {
					await insert(tx, 6);
				});
			} finally {
				stop();
			}
			expect(sent.map((statement) => statement.text.slice(0, 18))).toEqual([
				"begin",
				"insert into pipeli",
				"commit",
			]);
			expect(new Set(sent.map((statement) => statement.connection)).size).toBe(1);
			expect(sent.map((statement) => statement.write)).toEqual([0, 0, 1]);
			expect(await stored()).toEqual([1, 6]);
		});

		it("returns every connection to the pool outside a transaction, and keeps transactions apart", async () => {
			const failures = Array.from({ length: 25 }, (_, i) =>
				handle.db
					.transaction(async (tx) => {
						await insert(tx, 100 + i);
						await tx.execute(sql`select 1 / 0`);
					})
					.catch(() => "failed"),
			);
			expect(new Set(await Promise.all(failures))).toEqual(new Set(["failed"]));
			const outside = await Promise.all(
				Array.from({ length: 25 }, () =>
					rows<{ open: boolean }>(handle.db, sql`select now() <> statement_timestamp() as open`),
				),
			);
			expect(outside.map((result) => result[0]?.open)).toEqual(Array(25).fill(false));
			let release = () => {};
			const held = new Promise<void>((resolve) => {
				release = resolve;
			});
			const writer = handle.db.transaction(async (tx) => {
				await insert(tx, 5);
				await held;
			});
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(await stored()).toEqual([1, 6]);
			release();
			await writer;
			expect(await stored()).toEqual([1, 5, 6]);
		});
	});
