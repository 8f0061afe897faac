import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h.close();
});

describe("console harness", () => {
	it("signs an administrator in through a real session cookie", async () => {
		await expect(h.admin.client.session.me.query()).resolves.toMatchObject({ tier: "ADMIN" });
	});

	it("keeps an anonymous client out", async () => {
		await expect(h.trpcFor().session.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
	});
});
