import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, organizations } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";

let first: DatabaseHandle;
let second: DatabaseHandle;
beforeAll(async () => {
	[first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
	await Promise.all([first?.close(), second?.close()]);
});

describe("createTestDatabase", () => {
	it("gives each caller its own migrated database", async () => {
		await first.db.insert(organizations).values({ slug: "only-in-first", name: "First" });
		const inFirst = await first.db
			.select()
			.from(organizations)
			.where(eq(organizations.slug, "only-in-first"));
		const inSecond = await second.db
			.select()
			.from(organizations)
			.where(eq(organizations.slug, "only-in-first"));
		expect(inFirst).toHaveLength(1);
		expect(inSecond).toHaveLength(0);
		const defaults = await second.db.select().from(organizations).where(eq(organizations.slug, "default"));
		expect(defaults).toHaveLength(1);
	});

	it("uses PostgreSQL exactly when TEST_DATABASE_URL is set", () => {
		expect(first.kind).toBe(process.env.TEST_DATABASE_URL ? "postgres" : "pglite");
	});
});
