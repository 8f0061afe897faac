import { expect, test } from "@playwright/test";

test("the console explains Roster and reports the database as ready", async ({ page }) => {
	await page.goto("/");
	await expect(page).toHaveTitle("Roster");
	await expect(page.getByRole("heading", { level: 1, name: "Roster" })).toBeVisible();
	await expect(page.getByText("SCIM 2.0 provisioning")).toBeVisible();
	await expect(page.getByRole("status")).toHaveText("Database ready");
});

test("the console shows the server version from the tRPC API", async ({ page }) => {
	await page.goto("/");
	await expect(page.getByText(/^Roster \d+\.\d+\.\d+$/)).toBeVisible();
});

test("a client-side route falls back to the console", async ({ page }) => {
	const response = await page.goto("/some/client/route");
	expect(response?.status()).toBe(200);
	await expect(page.getByRole("heading", { level: 1, name: "Roster" })).toBeVisible();
});
