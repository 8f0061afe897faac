import { expect, test } from "@playwright/test";
import { expectAccessible, provisionGroup, provisionUser, signIn, snap } from "./fixtures.ts";

test("a role mapping: pick a provisioned group, preview who gains what, save, see the result, delete with its preview", async ({
	page,
	request,
}) => {
	const run = Date.now().toString(36);
	const group = `Mapping-Admins-${run}`;
	const members = [
		await provisionUser(request, `ada-${run}@example.com`, { displayName: `Ada ${run}` }),
		await provisionUser(request, `grace-${run}@example.com`, { displayName: `Grace ${run}` }),
	];
	await provisionUser(request, `linus-${run}@example.com`);
	await provisionGroup(request, group, members, { externalId: `ext-${run}` });

	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Role mappings" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "Role mappings" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "mappings");

	await page.getByRole("button", { name: "New mapping" }).click();
	const editor = page.getByRole("dialog", { name: "New role mapping" });
	await editor.getByLabel("Find a provisioned group").fill(run);
	await editor.getByRole("button", { name: `Use group ${group}` }).click();
	await expect(editor.getByLabel("Group name")).toHaveValue(group);
	await editor.getByLabel("Tier", { exact: true }).selectOption("ADMIN");
	await editor.getByLabel("Priority").fill("10");

	await editor.getByRole("button", { name: "Preview impact" }).click();
	const preview = editor.getByRole("region", { name: "Impact preview (nothing saved yet)" });
	await expect(preview).toContainText("2 of 2 users checked change access.");
	await expect(preview.getByText("2 tier raised")).toBeVisible();
	await expect(preview.getByText(`Ada ${run}`)).toBeVisible();
	await expect(preview.getByText("tier: NONE → ADMIN").first()).toBeVisible();
	await expect(preview.getByText("gains").first()).toBeVisible();
	await expectAccessible(page);
	await snap(page, "mappings-preview");

	await editor.getByRole("button", { name: "Save", exact: true }).click();
	await expect(editor.getByText("Access recomputed for 2 users, 2 changed")).toBeVisible();
	await expect(editor.getByRole("region", { name: "What changed" })).toContainText("2 tier raised");
	await snap(page, "mappings-saved");
	await editor.getByRole("button", { name: "Done" }).click();

	const row = page.getByRole("row").filter({ hasText: group });
	await expect(row).toContainText("tier ADMIN");
	await expect(row.getByRole("cell").nth(3)).toHaveText("2");
	await page.setViewportSize({ width: 400, height: 800 });
	await expect(row.getByRole("button", { name: `Edit mapping ${group}` })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "mappings-narrow");
	await page.setViewportSize({ width: 1280, height: 800 });

	await row.getByRole("button", { name: `Delete mapping ${group}` }).click();
	const deletion = page.getByRole("dialog", { name: "Delete role mapping" });
	const loss = deletion.getByRole("region", { name: "Impact preview (nothing deleted yet)" });
	await expect(loss.getByText("2 tier lowered")).toBeVisible();
	await expect(loss.getByText("loses").first()).toBeVisible();
	await expectAccessible(page);
	await snap(page, "mappings-delete-preview");
	await deletion.getByRole("button", { name: "Delete mapping" }).click();
	await expect(deletion.getByText("Access recomputed for 2 users, 2 changed")).toBeVisible();
	await deletion.getByRole("button", { name: "Done" }).click();
	await expect(page.getByRole("row").filter({ hasText: group })).toHaveCount(0);
});

test("the editor says what is missing beside each field (the shared schema's messages)", async ({ page }) => {
	await signIn(page);
	await page.goto("/mappings");
	await page.getByRole("button", { name: "New mapping" }).click();
	const editor = page.getByRole("dialog", { name: "New role mapping" });
	await editor.getByRole("button", { name: "Preview impact" }).click();
	await expect(editor.getByText("Enter a group name, externalId or role pattern")).toBeVisible();
	await editor.getByLabel("Match", { exact: true }).selectOption("role_urn");
	await editor.getByLabel("Role pattern").fill("contoso.*");
	await editor.getByLabel("Grants").selectOption("project_role");
	await editor.getByRole("button", { name: "Preview impact" }).click();
	await expect(editor.getByText("Name a project (id, slug or *)")).toBeVisible();
	await expect(editor.getByText("Pick a project role")).toBeVisible();
	await expectAccessible(page);
	await snap(page, "mappings-editor-errors");
});
