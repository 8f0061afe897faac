import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, scim, signIn, snap } from "./fixtures.ts";

/** The token the console shows once, read from its read-only field. */
async function shownToken(page: Page): Promise<string> {
	const field = page.getByRole("dialog").getByLabel("New token");
	await expect(field).toHaveValue(/^rst_scim_/);
	return field.inputValue();
}

/** Reloads until the tokens table shows `text` (last use is written in batches, about every second). */
async function reloadUntilVisible(page: Page, text: string | RegExp): Promise<void> {
	await expect(async () => {
		await page.reload();
		await expect(
			page.getByRole("table", { name: "Tokens of this connection" }).getByText(text).first(),
		).toBeVisible({
			timeout: 1000,
		});
	}).toPass({ timeout: 15_000 });
}

test("a connection and its token made in the console work for SCIM until revoked", async ({
	page,
	request,
	baseURL,
}) => {
	await signIn(page);
	await page
		.getByRole("navigation", { name: "Main" })
		.getByRole("link", { name: "SSO & provisioning" })
		.click();
	await expect(page.getByRole("heading", { level: 1, name: "SSO & provisioning" })).toBeVisible();
	await expect(
		page.getByRole("table", { name: "IdP connections" }).getByRole("link", { name: "e2e-seed" }),
	).toBeVisible();
	await expect(page.getByRole("button", { name: "Turn SCIM off" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "connections");

	const name = `Okta e2e ${Date.now()}`;
	await page.getByRole("button", { name: "Add connection" }).click();
	const add = page.getByRole("dialog", { name: "Add connection" });
	await add.getByRole("radio", { name: /^Okta/ }).check();
	await add.getByRole("button", { name: "Add connection" }).click();
	await expect(add.getByText("Give the connection a name")).toBeVisible();
	await add.getByLabel("Connection name").fill(name);
	await expectAccessible(page);
	await snap(page, "connections-add");
	await add.getByRole("button", { name: "Add connection" }).click();

	await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);
	await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
	await expect(page.getByText(`${baseURL}/scim/v2`, { exact: true })).toBeVisible();
	await expect(page.getByText(`${baseURL}/organizations/default/scim/v2`, { exact: true })).toBeVisible();
	await expect(page.getByRole("heading", { name: "Set up Okta" })).toBeVisible();
	await expect(page.getByRole("table", { name: "Okta attribute mappings" })).toContainText(
		"user.firstName, user.lastName",
	);
	await expect(page.getByLabel("Response profile")).toHaveValue("okta");
	await expect(page.getByText("No token yet")).toBeVisible();
	await expectAccessible(page);
	await snap(page, "connection");

	await page.getByRole("button", { name: "Create token" }).click();
	await page
		.getByRole("dialog", { name: "Create token" })
		.getByRole("button", { name: "Create token" })
		.click();
	const token = await shownToken(page);
	await page.getByRole("dialog").getByRole("button", { name: "Test connection" }).click();
	await expect(page.getByRole("dialog").getByText("The round trip worked")).toBeVisible();
	await expect(page.getByRole("dialog").getByRole("table", { name: "Connection test steps" })).toContainText(
		"/ServiceProviderConfig",
	);
	await expectAccessible(page);
	await snap(page, "connections-token-shown-once");
	await page.keyboard.press("Escape");

	const created = await scim(
		request,
		"POST",
		"/Users",
		{
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: `connections-e2e-${Date.now()}@example.com`,
			active: true,
		},
		token,
	);
	expect(created.status, JSON.stringify(created.body)).toBe(201);
	await reloadUntilVisible(page, /^from /);
	await expectAccessible(page);

	await page.getByRole("button", { name: /^Rotate token / }).click();
	const rotate = page.getByRole("dialog", { name: /^Rotate token / });
	await rotate.getByLabel("Overlap: the old token keeps working for").selectOption({ label: "24 hours" });
	await expectAccessible(page);
	await snap(page, "connections-rotate");
	await rotate.getByRole("button", { name: "Rotate token" }).click();
	const successor = await shownToken(page);
	await page.keyboard.press("Escape");
	expect((await scim(request, "GET", "/Users?count=1", undefined, token)).status).toBe(200);
	expect((await scim(request, "GET", "/Users?count=1", undefined, successor)).status).toBe(200);

	const successorPrefix = successor.slice(0, 12);
	await page.getByRole("searchbox", { name: "Search tokens" }).fill(successorPrefix);
	await expect(page.getByRole("table", { name: "Tokens of this connection" }).getByRole("row")).toHaveCount(
		2,
	);
	await page.getByRole("button", { name: /^Revoke token / }).click();
	const revoke = page.getByRole("dialog", { name: /^Revoke token / });
	await expectAccessible(page);
	await snap(page, "connections-revoke");
	await revoke.getByRole("button", { name: "Revoke token" }).click();
	await expect(page.getByText(/is revoked: its next request gets 401/)).toBeVisible();
	await expect(page.getByRole("table", { name: "Tokens of this connection" })).toContainText("Revoked");
	expect((await scim(request, "GET", "/Users?count=1", undefined, successor)).status).toBe(401);
	expect((await scim(request, "GET", "/Users?count=1", undefined, token)).status).toBe(200);
});

test("the connection page works in a narrow window", async ({ page }) => {
	await page.setViewportSize({ width: 400, height: 800 });
	await signIn(page);
	await page.goto("/connections");
	await page.getByRole("table", { name: "IdP connections" }).getByRole("link", { name: "e2e-seed" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "e2e-seed" })).toBeVisible();
	await expect(page.getByRole("heading", { name: "Set up Generic SCIM 2.0 client" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "connection-narrow");
});

test("an unknown connection says so", async ({ page }) => {
	await signIn(page);
	await page.goto("/connections/00000000-0000-4000-8000-000000000000");
	await expect(page.getByRole("heading", { level: 1, name: "Connection not found" })).toBeVisible();
	await expectAccessible(page);
});

test("SCIM can be switched off for the organization (answers 404) and on again", async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto("/connections");
	await page.getByRole("button", { name: "Turn SCIM off" }).click();
	const confirm = page.getByRole("dialog", { name: "Turn SCIM off?" });
	await expectAccessible(page);
	await snap(page, "connections-scim-off-confirm");
	await confirm.getByRole("button", { name: "Turn SCIM off" }).click();
	try {
		await expect(page.getByText("SCIM is now off.")).toBeVisible();
		expect((await scim(request, "GET", "/Users?count=1")).status).toBe(404);
	} finally {
		await page.getByRole("button", { name: "Turn SCIM on" }).click();
	}
	await expect(page.getByText("SCIM is now on.")).toBeVisible();
	expect((await scim(request, "GET", "/Users?count=1")).status).toBe(200);
});
