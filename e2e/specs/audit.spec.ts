import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { deprovisionUser, expectAccessible, provisionUser, signIn, snap } from "./fixtures.ts";

/** A userName no other run or spec uses. */
const leaver = `leaver-${Date.now()}@audit.e2e.test`;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
	const id = await provisionUser(request, leaver);
	await deprovisionUser(request, id);
});

test("the audit viewer lists SCIM changes, filters them, and verifies the chain", async ({ page }) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
	const events = page.getByRole("table", { name: "Audit events" });
	await expect(events.getByRole("row").filter({ hasText: leaver }).first()).toBeVisible();

	await page.getByLabel("Action").selectOption("SCIM_USER_DEPROVISIONED");
	await page.getByLabel("Entity name").fill(leaver);
	await page.getByRole("button", { name: "Apply filters" }).click();
	await expect(events.getByRole("row")).toHaveCount(2);
	await expect(events.getByRole("row").nth(1)).toContainText("SCIM_USER_DEPROVISIONED");
	await expect(events.getByRole("row").nth(1)).toContainText("e2e-seed");

	await page.getByRole("button", { name: "Verify now" }).click();
	await expect(
		page.getByRole("status").filter({ hasText: /Chain intact: \d+ links verified/ }),
	).toBeVisible();
	await expect(page.getByText("Intact", { exact: true })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "audit");
	await page.setViewportSize({ width: 400, height: 800 });
	await expect(page.getByRole("button", { name: "Verify now" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "audit-narrow");
});

test("the audit export downloads the filtered events as CSV", async ({ page }) => {
	await signIn(page);
	await page.goto("/audit");
	await page.getByLabel("Entity name").fill(leaver);
	await page.getByRole("button", { name: "Apply filters" }).click();
	await expect(page.getByRole("table", { name: "Audit events" }).getByRole("row")).toHaveCount(3);
	const [download] = await Promise.all([
		page.waitForEvent("download"),
		page.getByRole("link", { name: "Export audit CSV" }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^roster-audit-\d{4}-\d\d-\d\d\.csv$/);
	const csv = await readFile(await download.path(), "utf8");
	const lines = csv.trim().split("\n");
	expect(lines[0]).toMatch(/^id,org_id,occurred_at,actor_type/);
	expect(lines).toHaveLength(3);
	expect(lines[1]).toContain("SCIM_USER_PROVISIONED");
	expect(lines[2]).toContain("SCIM_USER_DEPROVISIONED");
	expect(csv).toContain(leaver);

	// The export is itself on record, by the administrator who downloaded it.
	await page.goto("/audit");
	await page.getByLabel("Action").selectOption("AUDIT_EXPORTED");
	await page.getByRole("button", { name: "Apply filters" }).click();
	await expect(page.getByRole("table", { name: "Audit events" }).getByRole("row").nth(1)).toContainText(
		"admin@roster.test",
	);
});

test("the offboarding report shows the leaver and exports it", async ({ page }) => {
	await signIn(page);
	await page.goto("/audit");
	await page.getByRole("link", { name: "Offboarding report" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "Offboarding report" })).toBeVisible();
	const row = page
		.getByRole("table", { name: "Offboarded users" })
		.getByRole("row")
		.filter({ hasText: leaver });
	await expect(row).toBeVisible();
	await expect(row).toContainText("Deprovisioned");
	await expect(row).toContainText("e2e-seed");
	await expect(page.getByRole("region", { name: "Summary" })).toContainText("Leavers");
	await expectAccessible(page);
	await snap(page, "audit-offboarding");

	const [download] = await Promise.all([
		page.waitForEvent("download"),
		page.getByRole("link", { name: "Export report CSV" }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^roster-offboarding-.*\.csv$/);
	const csv = await readFile(await download.path(), "utf8");
	expect(csv.split("\n")[0]).toBe(
		"event_id,action,user_id,user_name,requested_at,access_ended_at,seconds_to_access_end,sessions_killed,request_id,connection,event_hash",
	);
	expect(csv).toContain(`SCIM_USER_DEPROVISIONED`);
	expect(csv).toContain(leaver);
});
