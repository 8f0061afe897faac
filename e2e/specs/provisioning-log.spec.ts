import { expect, test } from "@playwright/test";
import { expectAccessible, provisionUser, scim, signIn, snap } from "./fixtures.ts";

const userName = `plog-${Date.now()}@log.e2e.test`;
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

test("the provisioning log shows SCIM requests and explains an error", async ({ page, request }) => {
	await provisionUser(request, userName, { password: "hunter2-e2e-secret" });
	const duplicate = await scim(request, "POST", "/Users", {
		schemas: [USER],
		userName,
		password: "hunter2-e2e-secret",
	});
	expect(duplicate.status).toBe(409);

	await signIn(page);
	await page
		.getByRole("navigation", { name: "Main" })
		.getByRole("link", { name: "Provisioning log" })
		.click();
	await expect(page.getByRole("heading", { level: 1, name: "Provisioning log" })).toBeVisible();
	const requests = page.getByRole("table", { name: "SCIM requests" });
	// The log is written in batches about every second: refresh until the requests are in.
	await expect(async () => {
		await page.getByRole("button", { name: "Refresh" }).click();
		await expect(requests.getByRole("row").filter({ hasText: "409 uniqueness" }).first()).toBeVisible({
			timeout: 1000,
		});
	}).toPass({ timeout: 15_000 });
	await expect(requests.getByRole("row").filter({ hasText: "201" }).first()).toContainText(
		"POST /scim/v2/Users",
	);
	await expectAccessible(page);
	await snap(page, "provisioning-log");

	await page.getByLabel("Status", { exact: true }).selectOption("4xx");
	await page.getByRole("button", { name: "Apply filters" }).click();
	await expect(requests.getByRole("row").filter({ hasText: /\b201\b/ })).toHaveCount(0);
	await requests
		.getByRole("row")
		.filter({ hasText: "409 uniqueness" })
		.first()
		.getByRole("button", { name: /Details/ })
		.click();
	const dialog = page.getByRole("dialog");
	await expect(dialog.getByRole("heading", { name: /Request \d+/ })).toBeVisible();
	await expect(dialog).toContainText("Duplicate user or group");
	await expect(dialog).toContainText("Likely fix");
	await expect(dialog).toContainText("Authenticated as connection e2e-seed");
	await expect(dialog).toContainText(userName);
	await expect(dialog).toContainText('"password": "[redacted]"');
	await expect(dialog).not.toContainText("hunter2-e2e-secret");
	await expectAccessible(page);
	await snap(page, "provisioning-log-detail");
	await page.keyboard.press("Escape");
	await expect(dialog).toBeHidden();

	await page.setViewportSize({ width: 400, height: 800 });
	await expectAccessible(page);
	await snap(page, "provisioning-log-narrow");
});
