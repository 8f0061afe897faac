import { expect, type Page, test } from "@playwright/test";
import { E2E_ADMINS, expectAccessible, fact, signIn, snap } from "./fixtures.ts";

/** The `readAt` the page says its answer is from (the description's `<time>`). */
async function readAt(page: Page): Promise<string> {
	const time = page.locator("header time");
	await expect(time).toHaveAttribute("datetime", /\d{4}-\d\d-\d\dT/);
	return (await time.getAttribute("datetime")) ?? "";
}

test("the local administrator opens My access: ADMIN, set in the console, with the session's end", async ({
	page,
}) => {
	await signIn(page);
	const nav = page.getByRole("navigation", { name: "Main" });
	await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
	const link = nav.getByRole("link", { name: "My access" });
	await expect(link).toHaveAttribute("href", "/me");
	await link.click();
	await expect(page).toHaveURL(/\/me$/);
	await expect(link).toHaveAttribute("aria-current", "page");

	await expect(page.getByRole("heading", { level: 1, name: "My access" })).toBeVisible();
	const access = page
		.locator("section")
		.filter({ has: page.getByRole("heading", { level: 2, name: "Your access" }) });
	await expect(fact(access, "Tier")).toHaveText("Admin");
	await expect(fact(access, "Tier from")).toHaveText("set in the console (local administrator)");
	await expect(access.getByText(/A local console account: its tier is set in the console/)).toBeVisible();
	const you = page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: "You" }) });
	await expect(fact(you, "User name")).toHaveText(E2E_ADMINS.main.email);
	await expect(fact(you, "Managed by")).toHaveText(
		"A local console account (not managed by an identity provider)",
	);
	const session = page
		.locator("section")
		.filter({ has: page.getByRole("heading", { level: 2, name: "This session" }) });
	await expect(fact(session, "Ends at the latest").locator("time")).toHaveText(/^in \d+ hours?$/);
	await expect(fact(session, "Ends if unused").locator("time")).toHaveText(/^in (\d+|30) minutes$/);
	await expect(page.getByRole("heading", { name: "Sent by your identity provider" })).toHaveCount(0);

	await page.setViewportSize({ width: 1280, height: 800 });
	await expectAccessible(page);
	await snap(page, "me");
	await page.setViewportSize({ width: 400, height: 800 });
	await expect(page.getByRole("heading", { level: 1, name: "My access" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "me-narrow");
});

test("Refresh reads the stored decision again, and so does the page every 30 seconds", async ({ page }) => {
	await page.clock.install();
	await signIn(page);
	await page.goto("/me");
	const first = await readAt(page);

	await page.clock.fastForward(2_000);
	await page.getByRole("button", { name: "Refresh" }).click();
	await expect.poll(() => readAt(page)).not.toBe(first);
	const refreshed = await readAt(page);
	expect(Date.parse(refreshed)).toBeGreaterThan(Date.parse(first));

	await page.clock.fastForward(31_000);
	await expect.poll(() => readAt(page)).not.toBe(refreshed);
});
