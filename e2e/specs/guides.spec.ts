import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, signIn, snap } from "./fixtures.ts";

const GUIDES = [
	{ slug: "entra", label: "Microsoft Entra ID" },
	{ slug: "okta", label: "Okta" },
	{ slug: "pingfederate", label: "PingFederate" },
	{ slug: "onelogin", label: "OneLogin" },
] as const;

const SECTIONS = ["SCIM provisioning", "Attribute mappings", "Single sign-on", "Verify", "Common errors"];

async function openConnections(page: Page): Promise<void> {
	await page
		.getByRole("navigation", { name: "Main" })
		.getByRole("link", { name: "SSO & provisioning" })
		.click();
	await expect(page.getByRole("heading", { level: 1, name: "SSO & provisioning" })).toBeVisible();
}

/** The heading with this anchor is on screen, not merely on the page. */
async function expectScrolledTo(page: Page, anchor: string): Promise<void> {
	await expect(page.locator(`[id="${anchor}"]`)).toBeInViewport();
}

for (const { slug, label } of GUIDES) {
	test(`the ${label} guide opens from an ordinary link on SSO & provisioning, readable and accessible at 1280 and 400 px`, async ({
		page,
	}) => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await signIn(page);
		await openConnections(page);
		const link = page.getByRole("link", { name: `Setup guide for ${label}` });
		await expect(link).toHaveAttribute("href", `/help/idp/${slug}`);
		await link.click();

		await expect(page).toHaveURL(new RegExp(`/help/idp/${slug}$`));
		await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
		await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
		const sections = page.getByRole("navigation", { name: "On this page" });
		for (const section of SECTIONS) {
			await expect(page.getByRole("heading", { level: 2, name: section, exact: true })).toBeVisible();
			await expect(sections.getByRole("link", { name: section, exact: true })).toBeVisible();
		}
		await expect(page.locator("table th[scope=col]").first()).toBeVisible();
		await expectAccessible(page);
		await snap(page, `guide-${slug}-1280`);

		await page.setViewportSize({ width: 400, height: 900 });
		await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
		await expectAccessible(page);
		await snap(page, `guide-${slug}-400`);
	});
}

test("anchors land on their heading: a section link, a deep link on arrival, and the links of a connection's page", async ({
	page,
}) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await signIn(page);

	await page.goto("/help/idp/entra#single-sign-on");
	await expect(page.getByRole("heading", { level: 1, name: "Microsoft Entra ID" })).toBeVisible();
	await expectScrolledTo(page, "single-sign-on");

	await page
		.getByRole("navigation", { name: "On this page" })
		.getByRole("link", { name: "Common errors" })
		.click();
	await expect(page).toHaveURL(/\/help\/idp\/entra#common-errors$/);
	await expectScrolledTo(page, "common-errors");

	await page.getByRole("link", { name: "When Roster refuses a sign-in" }).first().click();
	await expect(page).toHaveURL(/\/help\/idp#when-roster-refuses-a-sign-in$/);
	await expect(page.getByRole("heading", { level: 1, name: "Identity provider setup guides" })).toBeVisible();
	await expectScrolledTo(page, "when-roster-refuses-a-sign-in");
	await expectAccessible(page);
	await snap(page, "guides-index");

	await page.getByRole("link", { name: "Okta", exact: true }).click();
	await expect(page).toHaveURL(/\/help\/idp\/okta$/);
	await expect(page.getByRole("heading", { level: 1, name: "Okta" })).toBeVisible();

	await openConnections(page);
	await page.getByRole("button", { name: "Add connection" }).click();
	const add = page.getByRole("dialog", { name: "Add connection" });
	await add.getByRole("radio", { name: /^OneLogin/ }).check();
	await expect(add.getByRole("link", { name: "Setup guide for OneLogin" })).toHaveAttribute(
		"href",
		"/help/idp/onelogin",
	);
	await add.getByRole("radio", { name: /^Okta/ }).check();
	await expect(add.getByRole("link", { name: "Setup guide for Okta" })).toBeVisible();
	await add.getByLabel("Connection name").fill(`Okta guides ${Date.now()}`);
	await add.getByRole("button", { name: "Add connection" }).click();
	await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);

	for (const [name, anchor] of [
		["Okta guide: SCIM provisioning", "scim-provisioning"],
		["Okta guide: Attribute mappings", "attribute-mappings"],
		["Okta guide: Verify", "verify"],
		["Okta guide: Common errors", "common-errors"],
	] as const) {
		const connectionPage = page.url();
		await page.getByRole("link", { name }).click();
		await expect(page).toHaveURL(new RegExp(`/help/idp/okta#${anchor}$`));
		await expectScrolledTo(page, anchor);
		await page.goto(connectionPage);
	}
});

test("a guide's code block copies its text, and an unknown guide is the console's not-found page", async ({
	page,
	context,
}) => {
	await context.grantPermissions(["clipboard-read", "clipboard-write"]);
	await signIn(page);
	await page.goto("/help/idp/okta");
	const block = page.locator("pre", { hasText: "/auth/sso/acme/callback" });
	await block.locator("xpath=..").getByRole("button", { name: "Copy" }).click();
	await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
	expect(await page.evaluate("navigator.clipboard.readText()")).toBe(
		"https://roster.example.com/auth/sso/acme/callback",
	);

	await page.goto("/help/idp/generic");
	await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
	await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});
