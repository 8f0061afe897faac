import { expect, type Page, test } from "@playwright/test";
import { seedScimToken, snap } from "./fixtures.ts";

/** Records what a strict page must never do: break its Content-Security-Policy or fetch from elsewhere. */
function watchForEscapes(page: Page, origin: string): string[] {
	const escapes: string[] = [];
	page.on("request", (request) => {
		if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) {
			escapes.push(`request to ${request.url()}`);
		}
	});
	page.on("pageerror", (error) => escapes.push(`page error: ${error.message}`));
	page.on("console", (message) => {
		if (message.text().startsWith("CSP ")) escapes.push(message.text());
	});
	return escapes;
}

/** Reports every Content-Security-Policy violation to the console, where `watchForEscapes` hears it. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener("securitypolicyviolation", (event) => {
	console.log("CSP " + event.violatedDirective + " blocked " + event.blockedURI);
});`;

test.beforeEach(async ({ page }) => {
	await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
});

test("the API reference renders from Roster's own origin under its strict CSP", async ({ page, baseURL }) => {
	const escapes = watchForEscapes(page, baseURL ?? "");
	const response = await page.goto("/api/docs");
	expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
	await expect(page.getByRole("heading", { name: /Roster/ }).first()).toBeVisible();
	for (const tag of ["SCIM Users", "SCIM Groups", "SCIM search and Bulk", "SCIM discovery", "Access API"]) {
		await expect(page.getByRole("heading", { name: tag })).toBeVisible();
	}
	await expect(page.getByText("/users/{id}/access", { exact: true })).toBeVisible();
	await snap(page, "api-reference");
	expect(escapes).toEqual([]);
});

test("a SCIM call made from the reference with a token answers 200", async ({ page, baseURL }) => {
	const escapes = watchForEscapes(page, baseURL ?? "");
	await page.goto("/api/docs");
	await page.getByRole("button", { name: "Authorize" }).first().click();
	const scheme = page.locator(".auth-container").filter({ hasText: "scimBearer" });
	await scheme.getByRole("textbox").fill(seedScimToken());
	await scheme.getByRole("button", { name: "Apply credentials" }).click();
	await scheme.getByRole("button", { name: "Close" }).click();

	const operation = page.locator("#operations-SCIM_discovery-getServiceProviderConfig");
	await operation.locator(".opblock-summary").click();
	await operation.getByRole("button", { name: "Try it out" }).click();
	await operation.getByRole("button", { name: "Execute" }).click();
	const live = operation.locator(".live-responses-table tbody .response-col_status").first();
	await expect(live).toHaveText("200");
	await expect(operation.locator(".live-responses-table")).toContainText(
		"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
	);
	expect(escapes).toEqual([]);
});
