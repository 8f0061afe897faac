import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, snap } from "./fixtures.ts";
import { NAV_SCREENS } from "./screens.ts";

test("signed out, the console shows the sign-in form with the server's status and version", async ({
	page,
}) => {
	await page.goto("/");
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page).toHaveTitle("Roster");
	await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username");
	await expect(page.getByLabel("Password")).toHaveAttribute("type", "password");
	await expect(page.getByRole("status").filter({ hasText: "Database" })).toHaveText("Database ready");
	await expect(page.getByText(/^Roster \d+\.\d+\.\d+$/)).toBeVisible();
	await expectAccessible(page);
	await snap(page, "sign-in");
});

test("a client-side route falls back to the console", async ({ page }) => {
	const response = await page.goto("/some/client/route");
	expect(response?.status()).toBe(200);
	await expect(page.getByLabel("Email")).toBeVisible();
});

test("signed in, every screen is an ordinary link in the navigation and opens", async ({ page }) => {
	await signIn(page);
	const nav = page.getByRole("navigation", { name: "Main" });
	for (const screen of NAV_SCREENS) {
		const link = nav.getByRole("link", { name: screen.label });
		await expect(link).toHaveAttribute("href", screen.path);
		await link.click();
		await expect(page).toHaveURL(screen.path === "/" ? /\/$/ : new RegExp(`${screen.path}$`));
		await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
		await expect(link).toHaveAttribute("aria-current", "page");
	}
});

test("an unknown address inside the console says so, with the navigation still there", async ({ page }) => {
	await signIn(page);
	await page.goto("/no/such/screen");
	await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
	await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});
