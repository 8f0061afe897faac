import { expect, test } from "@playwright/test";

test("/healthz answers 200 ok", async ({ request }) => {
	const response = await request.get("/healthz");
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: "ok" });
});

test("/readyz answers 200 ready once the database is up", async ({ request }) => {
	const response = await request.get("/readyz");
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: "ready" });
});
