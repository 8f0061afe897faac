import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, scim, signIn, snap } from "./fixtures.ts";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** Reloads `path` until `check` passes: the provisioning log and its rollup are written in ~1 s batches. */
async function eventually(page: Page, path: string, check: () => Promise<void>): Promise<void> {
	await expect(async () => {
		await page.goto(path);
		await check();
	}).toPass({ timeout: 20_000 });
}

/**
 * An IdP's whole lifecycle through the console, as an administrator sets it up: a connection and its
 * token made in the UI, the IdP's first pushes seen in the provisioning log and on the dashboard, a role
 * mapping previewed and saved, the user's explanation naming it, then the token revoked and refused.
 */
test("connection and token in the UI → SCIM pushes in the log and dashboard → mapping explained → revoke → 401", async ({
	page,
	request,
}) => {
	const run = Date.now().toString(36);
	const connection = `Journey IdP ${run}`;
	const userName = `journey-${run}@example.com`;
	const groupName = `Journey-Admins-${run}`;

	await signIn(page);
	await page.goto("/connections");
	await page.getByRole("button", { name: "Add connection" }).click();
	const add = page.getByRole("dialog", { name: "Add connection" });
	await add.getByRole("radio", { name: /^Okta/ }).check();
	await add.getByLabel("Connection name").fill(connection);
	await add.getByRole("button", { name: "Add connection" }).click();
	await expect(page.getByRole("heading", { level: 1, name: connection })).toBeVisible();
	const connectionPage = new URL(page.url()).pathname;

	await page.getByRole("button", { name: "Create token" }).click();
	await page
		.getByRole("dialog", { name: "Create token" })
		.getByRole("button", { name: "Create token" })
		.click();
	const tokenField = page.getByRole("dialog").getByLabel("New token");
	await expect(tokenField).toHaveValue(/^rst_scim_/);
	const token = await tokenField.inputValue();
	await page.keyboard.press("Escape");

	const user = await scim(request, "POST", "/Users", { schemas: [USER], userName, active: true }, token);
	expect(user.status, JSON.stringify(user.body)).toBe(201);
	const userId = user.body?.id as string;
	const group = await scim(
		request,
		"POST",
		"/Groups",
		{ schemas: [GROUP], displayName: groupName, members: [{ value: userId }] },
		token,
	);
	expect(group.status, JSON.stringify(group.body)).toBe(201);

	const requests = page.getByRole("table", { name: "SCIM requests" });
	await eventually(page, "/provisioning-log", async () => {
		await expect(requests.getByRole("row").filter({ hasText: connection }).first()).toBeVisible({
			timeout: 1000,
		});
	});
	await expect(
		requests.getByRole("row").filter({ hasText: connection }).filter({ hasText: "201" }).first(),
	).toBeVisible();

	const chart = page.getByRole("figure").filter({ has: page.getByRole("heading", { name: connection }) });
	await eventually(page, "/", async () => {
		await expect(chart.getByText(/[1-9]\d* creates/).first()).toBeVisible({ timeout: 1000 });
	});
	await snap(page, "journey-dashboard");

	await page.goto("/mappings");
	await page.getByRole("button", { name: "New mapping" }).click();
	const editor = page.getByRole("dialog", { name: "New role mapping" });
	await editor.getByLabel("Find a provisioned group").fill(groupName);
	await editor.getByRole("button", { name: `Use group ${groupName}` }).click();
	await editor.getByLabel("Tier", { exact: true }).selectOption("ADMIN");
	await editor.getByRole("button", { name: "Preview impact" }).click();
	const preview = editor.getByRole("region", { name: "Impact preview (nothing saved yet)" });
	await expect(preview.getByText("1 tier raised")).toBeVisible();
	await editor.getByRole("button", { name: "Save", exact: true }).click();
	await expect(editor.getByText(/Access recomputed for 1 users?, 1 changed/)).toBeVisible();
	await editor.getByRole("button", { name: "Done" }).click();

	await page.goto(`/users/${userId}`);
	const access = page
		.locator("section")
		.filter({ has: page.getByRole("heading", { level: 2, name: "Access" }) });
	await expect(access.getByText(new RegExp(`ADMIN because member of .?${groupName}`))).toBeVisible();
	await expect(page.getByText(`${connection} (okta)`)).toBeVisible();
	await expectAccessible(page);
	await snap(page, "journey-user-explained");

	await page.goto(connectionPage);
	await page.getByRole("button", { name: /^Revoke token / }).click();
	await page
		.getByRole("dialog", { name: /^Revoke token / })
		.getByRole("button", { name: "Revoke token" })
		.click();
	await expect(page.getByText(/is revoked: its next request gets 401/)).toBeVisible();
	expect((await scim(request, "GET", `/Users/${userId}`, undefined, token)).status).toBe(401);
});
