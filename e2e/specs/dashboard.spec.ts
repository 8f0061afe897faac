import { expect, test } from "@playwright/test";
import { deprovisionUser, expectAccessible, provisionUser, scim, signIn, snap } from "./fixtures.ts";

test("SCIM traffic from the test shows on the dashboard: charts per connection, latency and the leaver", async ({
	page,
	request,
}) => {
	const userName = `dashboard.leaver.${Date.now()}@example.com`;
	const userId = await provisionUser(request, userName);
	expect((await scim(request, "GET", `/Users/${userId}`)).status).toBe(200);
	await deprovisionUser(request, userId);

	await signIn(page);
	const leavers = page.getByRole("table", { name: "Recent leavers" });
	// The provisioning log is written in batches about every second: reload until this traffic is in.
	await expect(async () => {
		await page.goto("/");
		await expect(leavers.getByRole("row").filter({ hasText: userName })).toBeVisible({ timeout: 1000 });
		await expect(page.getByRole("img", { name: /^Chart: .*[1-9]\d* deprovisions/ })).toBeVisible({
			timeout: 1000,
		});
	}).toPass({ timeout: 15_000 });

	const panel = page.getByRole("figure").filter({ has: page.getByRole("heading", { name: "e2e-seed" }) });
	await expect(panel).toBeVisible();
	await expect(
		panel.getByText(/\d+ requests, \d+ errors, [1-9]\d* creates and [1-9]\d* deprovisions/).first(),
	).toBeVisible();
	await panel.getByText(/Show the numbers/).click();
	await expect(panel.getByRole("table", { name: "Activity of e2e-seed per hour" })).toBeVisible();
	await expect(leavers.getByRole("row").filter({ hasText: userName })).toContainText("Deprovisioned");
	const tiles = page
		.getByRole("region", { name: "Deprovision latency" })
		.or(page.locator("section").filter({ has: page.getByRole("heading", { name: "Deprovision latency" }) }));
	await expect(tiles.getByText("p99")).toBeVisible();
	await expect(tiles.getByText(/^\d+(\.\d+)? (ms|s)$|^\d+ min \d+ s$/).first()).toBeVisible();
	await expectAccessible(page);
	await snap(page, "dashboard");

	await page.getByRole("navigation", { name: "Time window" }).getByRole("link", { name: "30 days" }).click();
	await expect(page).toHaveURL(/range=30d/);
	await expect(page.getByText("Provisioning over the last 30 days.")).toBeVisible();
	await expect(page.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "page");
	await expect(panel.getByText(/Show the numbers \(days with traffic: \d+\)/)).toBeVisible();
	await expectAccessible(page);

	await page.setViewportSize({ width: 400, height: 800 });
	await expect(panel).toBeVisible();
	await expectAccessible(page);
	await snap(page, "dashboard-narrow");
});
