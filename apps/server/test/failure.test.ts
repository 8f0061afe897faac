import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailure } from "../src/failure.ts";

let db: DatabaseHandle;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

async function failureOf(query: Promise<unknown>): Promise<string> {
	try {
		await query;
	} catch (error) {
		return describeFailure(error);
	}
	throw new Error("the query did not fail");
}

describe("describeFailure", () => {
	it("names a failed query without the values the database quotes or the parameters it was sent", async () => {
		const marker = "leaked-marker-4711";
		const line = await failureOf(db.db.execute(sql`select ${marker}::uuid`));
		expect(line).toMatch(/^Error: .*invalid input syntax for type uuid/);
		expect(line).not.toContain(marker);
	});
});
