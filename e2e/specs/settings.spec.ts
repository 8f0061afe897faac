import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, snap } from "./fixtures.ts";

test("organization settings: a bad value is refused inline, a good one is saved and says what it recomputed", async ({
	page,
}) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
	const retention = page.getByLabel("Keep the provisioning log for (days)");
	const fallback = page.getByLabel("Fallback tier");
	await expect(retention).toHaveValue(/^\d+$/);
	// Whatever an earlier spec left is put back at the end, so no spec depends on running before this one.
	const before = { retention: await retention.inputValue(), fallback: await fallback.inputValue() };
	await expectAccessible(page);
	await snap(page, "settings");

	await retention.fill("-5");
	await page.getByRole("button", { name: "Save settings" }).click();
	await expect(retention).toHaveAttribute("aria-invalid", "true");
	await expect(page.getByText(/>=\s?0/)).toBeVisible();
	const roles = page.getByLabel("Project roles");
	await roles.fill("admin,Admin");
	await page.getByRole("button", { name: "Save settings" }).click();
	await expect(roles).toHaveAttribute("aria-invalid", "true");
	await expect(page.getByText("use lowercase letters, digits, - and _")).toBeVisible();
	await expectAccessible(page);
	await snap(page, "settings-invalid");

	await roles.fill("admin,write,read");
	const changed = {
		retention: before.retention === "14" ? "15" : "14",
		fallback: before.fallback === "USER" ? "NONE" : "USER",
	};
	await retention.fill(changed.retention);
	await fallback.selectOption(changed.fallback);
	await page.getByRole("button", { name: "Save settings" }).click();
	const saved = page.getByRole("status").filter({ hasText: "Settings saved" });
	await expect(saved).toContainText(/Access recomputed for \d+ users, \d+ changed\./);
	await expect(retention).not.toHaveAttribute("aria-invalid", "true");
	await snap(page, "settings-saved");

	await page.reload();
	await expect(retention).toHaveValue(changed.retention);
	await expect(fallback).toHaveValue(changed.fallback);

	await retention.fill(before.retention);
	await fallback.selectOption(before.fallback);
	await page.getByRole("button", { name: "Save settings" }).click();
	await expect(page.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
	await page.setViewportSize({ width: 400, height: 800 });
	await expectAccessible(page);
	await snap(page, "settings-narrow");
});
