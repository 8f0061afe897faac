import { expect, test } from "@playwright/test";
import { E2E_RECOMPUTE_JOB_THRESHOLD } from "../state.ts";
import { expectAccessible, provisionGroup, provisionUser, signIn, snap } from "./fixtures.ts";

test("a mapping change above the job threshold recomputes in a background job, shown on the Jobs screen", async ({
	page,
	request,
}) => {
	const run = Date.now().toString(36);
	const group = `Jobs-Everyone-${run}`;
	const size = E2E_RECOMPUTE_JOB_THRESHOLD + 5;
	const members: string[] = [];
	for (let i = 0; i < size; i += 1) members.push(await provisionUser(request, `job-${i}-${run}@example.com`));
	await provisionGroup(request, group, members);

	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Role mappings" }).click();
	await page.getByRole("button", { name: "New mapping" }).click();
	const editor = page.getByRole("dialog", { name: "New role mapping" });
	await editor.getByLabel("Find a provisioned group").fill(run);
	await editor.getByRole("button", { name: `Use group ${group}` }).click();
	await editor.getByLabel("Tier", { exact: true }).selectOption("USER");
	await editor.getByRole("button", { name: "Save", exact: true }).click();
	await expect(editor.getByText(`It affects ${size} users`)).toBeVisible();
	await editor.getByRole("link", { name: "Jobs" }).click();

	await expect(page.getByRole("heading", { level: 1, name: "Jobs" })).toBeVisible();
	const jobs = page.getByRole("table", { name: "Background jobs" });
	const row = jobs.getByRole("row").filter({ hasText: "Access recompute" }).first();
	// The worker polls every second and the screen re-reads while a job runs: wait for it to finish.
	await expect(row.getByText("Succeeded")).toBeVisible({ timeout: 20_000 });
	await expect(row).toContainText(`${size} of ${size}`);
	await expect(row.getByRole("progressbar", { name: "Access recompute progress" })).toHaveAttribute(
		"value",
		String(size),
	);
	await expectAccessible(page);
	await snap(page, "jobs");
});
