import { readFileSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Locator, type Page } from "@playwright/test";
import { E2E_ADMINS, E2E_SCREENSHOT_DIR, E2E_STATE_DIR } from "../state.ts";

export { E2E_ADMINS } from "../state.ts";

/** Signs in through the sign-in form the way a person does (Enter submits) and waits for the console. */
export async function signIn(
	page: Page,
	admin: { email: string; password: string } = E2E_ADMINS.main,
): Promise<void> {
	await page.goto("/sign-in");
	await page.getByLabel("Email").fill(admin.email);
	await page.getByLabel("Password").fill(admin.password);
	await page.getByLabel("Password").press("Enter");
	await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

/**
 * Fails on any serious or critical accessibility violation (axe, WCAG 2.1 A and AA rules) on the page as it
 * rests: running CSS transitions end first, since axe reads a button's colours mid-fade (one enabled as
 * its data arrived) as a contrast failure nobody sees.
 */
export async function expectAccessible(page: Page): Promise<void> {
	// Only transitions: a spinner's animation never finishes, and a cancelled transition rejects `finished`.
	await page.evaluate(`Promise.all(document.getAnimations()
		.filter((animation) => animation instanceof CSSTransition)
		.map((animation) => animation.finished.catch(() => undefined))).then(() => undefined)`);
	const results = await new AxeBuilder({ page })
		.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
		.analyze();
	const blocking = results.violations
		.filter((violation) => violation.impact === "serious" || violation.impact === "critical")
		.map((violation) => ({
			rule: violation.id,
			impact: violation.impact,
			help: violation.help,
			targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
		}));
	expect(blocking).toEqual([]);
}

/** The value a definition list (`dt`/`dd`, the console's facts and the tenants' alike) gives beside `label`. */
export function fact(scope: Locator, label: string): Locator {
	return scope
		.locator("dt")
		.filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
		.locator("xpath=following-sibling::dd[1]");
}

/** Keeps a full-page screenshot of the screen as it is, named for it, in the CI artifact folder. */
export async function snap(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: join(E2E_SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The SCIM token setup minted with the CLI for the default organization's `e2e-seed` connection. */
export function seedScimToken(): string {
	return readFileSync(join(E2E_STATE_DIR, "scim-token"), "utf8").trim();
}

/** A SCIM answer: status and parsed body (null when empty). */
export interface ScimAnswer {
	status: number;
	body: Record<string, unknown> | null;
}

/** One SCIM request to the server under test, as an IdP sends it (bearer token, SCIM media type). */
export async function scim(
	request: APIRequestContext,
	method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
	path: string,
	body?: unknown,
	token: string = seedScimToken(),
): Promise<ScimAnswer> {
	const response = await request.fetch(`/scim/v2${path}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
		data: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status(), body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** Provisions an active user over SCIM and returns its id. */
export async function provisionUser(
	request: APIRequestContext,
	userName: string,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const answer = await scim(request, "POST", "/Users", {
		schemas: [CORE_USER],
		userName,
		active: true,
		...extra,
	});
	expect(answer.status, JSON.stringify(answer.body)).toBe(201);
	return answer.body?.id as string;
}

/** Provisions a group with `memberIds` over SCIM and returns its id. */
export async function provisionGroup(
	request: APIRequestContext,
	displayName: string,
	memberIds: readonly string[] = [],
	extra: Record<string, unknown> = {},
): Promise<string> {
	const answer = await scim(request, "POST", "/Groups", {
		schemas: [CORE_GROUP],
		displayName,
		members: memberIds.map((value) => ({ value })),
		...extra,
	});
	expect(answer.status, JSON.stringify(answer.body)).toBe(201);
	return answer.body?.id as string;
}

/** Deactivates a user the way Okta does (PATCH active=false): the deprovisioning path. */
export async function deprovisionUser(request: APIRequestContext, userId: string): Promise<void> {
	const answer = await scim(request, "PATCH", `/Users/${userId}`, {
		schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		Operations: [{ op: "replace", value: { active: false } }],
	});
	expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
}
