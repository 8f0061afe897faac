import { expect, test } from "@playwright/test";
import { E2E_ADMINS, expectAccessible, provisionGroup, provisionUser, signIn, snap } from "./fixtures.ts";

/** Names unique to this run, so the spec reads only what it provisioned. */
const run = Date.now().toString(36);
const aliceName = `alice-${run}@example.com`;
const bobName = `bob-${run}@example.com`;
const groupName = `Okta-Admins-${run}`;

let aliceId: string;
let groupId: string;

test.beforeAll(async ({ request }) => {
	aliceId = await provisionUser(request, aliceName, {
		displayName: `Alice ${run}`,
		externalId: `ext-alice-${run}`,
		roles: [{ value: "urn:roster:role:organization:default:PROJECTADMIN" }],
	});
	const bobId = await provisionUser(request, bobName, { displayName: `Bob ${run}`, active: false });
	groupId = await provisionGroup(request, groupName, [aliceId, bobId], { externalId: `ext-group-${run}` });
});

test("the users list searches by text and by SCIM filter, refuses a bad filter inline, and sorts", async ({
	page,
}) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
	await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
	const table = page.getByRole("table", { name: "Users" });

	const searchBox = page.getByRole("searchbox");
	await searchBox.fill(`ALICE-${run}`);
	await searchBox.press("Enter");
	await expect(table.getByRole("link", { name: aliceName })).toBeVisible();
	await expect(table.getByRole("row")).toHaveCount(2);
	await expect(page.getByText("1 users")).toBeVisible();

	await page.getByLabel("SCIM filter").check();
	await searchBox.fill(`userName sw "bob-${run}" and active eq false`);
	await page.getByRole("button", { name: "Search" }).click();
	await expect(table.getByRole("link", { name: bobName })).toBeVisible();
	await expect(table.getByRole("row")).toHaveCount(2);

	await searchBox.fill('userName sw "a" and');
	await searchBox.press("Enter");
	await expect(page.getByRole("alert")).toContainText(/filter/i);
	await expect(searchBox).toHaveAttribute("aria-invalid", "true");
	await expectAccessible(page);
	await snap(page, "users-filter-error");

	await searchBox.fill(`userName ew "${run}@example.com"`);
	await searchBox.press("Enter");
	await expect(table.getByRole("row")).toHaveCount(3);
	await table.getByRole("button", { name: "User name" }).click();
	await expect(table.getByRole("columnheader", { name: "User name" })).toHaveAttribute(
		"aria-sort",
		"descending",
	);
	await expect(table.getByRole("row").nth(1)).toContainText(bobName);
	await expectAccessible(page);
	await snap(page, "users");

	await page.setViewportSize({ width: 400, height: 800 });
	await expect(table.getByRole("link", { name: bobName })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "users-narrow");
});

test("a user's page shows profile, source, the explanation of every grant and the groups", async ({
	page,
}) => {
	await signIn(page);
	await page.goto("/users");
	const searchBox = page.getByRole("searchbox");
	await searchBox.fill(aliceName);
	await searchBox.press("Enter");
	await page.getByRole("link", { name: aliceName }).click();

	await expect(page.getByRole("heading", { level: 1, name: `Alice ${run}` })).toBeVisible();
	await expect(page.getByText("Provisioned over SCIM")).toBeVisible();
	await expect(page.getByText("e2e-seed (generic)")).toBeVisible();
	const access = page
		.locator("section")
		.filter({ has: page.getByRole("heading", { level: 2, name: "Access" }) });
	await expect(access.getByText("Project admin").first()).toBeVisible();
	await expect(
		access.getByText(
			'PROJECTADMIN because role "urn:roster:role:organization:default:PROJECTADMIN" sent on the user',
		),
	).toBeVisible();
	await expect(
		access.getByText(/NONE because the organization's fallback tier; overruled: a higher tier/),
	).toBeVisible();
	await expect(page.getByRole("link", { name: groupName })).toHaveAttribute("href", `/groups/${groupId}`);
	await expect(page.getByText("No live sessions")).toBeVisible();
	await expectAccessible(page);
	await snap(page, "user");
	await page.setViewportSize({ width: 400, height: 800 });
	await expect(page.getByRole("button", { name: "End all sessions" })).toBeVisible();
	await snap(page, "user-narrow");

	await page.goto("/users/00000000-0000-4000-8000-000000000000");
	await expect(page.getByRole("heading", { level: 1, name: "User not found" })).toBeVisible();
});

test("a group's page shows its members, paged, and the mappings that use it", async ({ page }) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" }).click();
	const searchBox = page.getByRole("searchbox");
	await searchBox.fill(`admins-${run}`);
	await searchBox.press("Enter");
	const table = page.getByRole("table", { name: "Groups" });
	await expect(table.getByRole("row")).toHaveCount(2);
	await expect(table.getByRole("row").nth(1)).toContainText("2");
	await expectAccessible(page);
	await snap(page, "groups");

	await table.getByRole("link", { name: groupName }).click();
	await expect(page.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
	const members = page.getByRole("table", { name: "Members" });
	await expect(members.getByRole("link", { name: aliceName })).toHaveAttribute("href", `/users/${aliceId}`);
	await expect(members.getByRole("link", { name: bobName })).toBeVisible();
	await expect(page.getByText("No mapping uses this group")).toBeVisible();
	await expect(page.getByRole("button", { name: "Next" })).toBeDisabled();
	await expectAccessible(page);
	await snap(page, "group");
});

test("an administrator ends a user's sessions after confirming; the ended session is refused at once", async ({
	page,
	browser,
}) => {
	const other = await browser.newContext();
	const otherPage = await other.newPage();
	await signIn(otherPage);
	await signIn(page);
	await page.goto("/users");
	const searchBox = page.getByRole("searchbox");
	await searchBox.fill(E2E_ADMINS.main.email);
	await searchBox.press("Enter");
	await page.getByRole("link", { name: E2E_ADMINS.main.email }).click();
	await expect(page.getByText("Local console account (not managed by SCIM)")).toBeVisible();
	const sessions = page.getByRole("table", { name: "Live sessions" });
	await expect(sessions.getByRole("row")).not.toHaveCount(1);

	await page.getByRole("button", { name: "End all sessions" }).click();
	const dialog = page.getByRole("dialog", { name: "End all sessions?" });
	await expect(dialog).toContainText("you will be signed out too");
	await expectAccessible(page);
	await snap(page, "user-end-sessions");
	await dialog.getByRole("button", { name: "Cancel" }).click();
	await expect(dialog).toBeHidden();

	await page.getByRole("button", { name: "End all sessions" }).click();
	await dialog.getByRole("button", { name: "End all sessions" }).click();
	await expect(page).toHaveURL(/\/sign-in/);

	const refused = await otherPage.request.get("/trpc/session.me", { headers: { "x-roster-csrf": "1" } });
	expect(refused.status()).toBe(401);
	await other.close();
});
