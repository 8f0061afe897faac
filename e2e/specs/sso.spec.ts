import { type Browser, expect as baseExpect, type Page, type Request, test } from "@playwright/test";
import { MOCK_PASSWORD, type StandaloneProvider, startStandaloneProvider } from "../idp/oidc/standalone.ts";
import { E2E_PORT } from "../state.ts";
import { expectAccessible, provisionUser, signIn, snap } from "./fixtures.ts";

// Sign-ins run argon2 and RSA signing on a shared machine: allow for a busy server.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ mode: "serial", timeout: 120_000 });

/** The IdP listens 300 ports above Roster (9121 for the 8821 run), so parallel runs keep apart. */
const IDP_PORT = E2E_PORT + 300;
const ROSTER = `http://127.0.0.1:${E2E_PORT}`;
const CLIENT_ID = "roster-e2e";
const CLIENT_SECRET = "e2e-sso-client-secret-0123456789abcdef";
const run = Date.now().toString(36);
const ADMIN = `sso-admin-${run}@roster.test`;
const STRANGER = `stranger-${run}@roster.test`;

let idp: StandaloneProvider;

test.beforeAll(async () => {
	// On `localhost`, the IdP is another site than Roster on 127.0.0.1, so the way back is a cross-site redirect.
	idp = await startStandaloneProvider({
		port: IDP_PORT,
		issuerHost: "localhost",
		title: "Sign in to Contoso",
		relyingParty: {
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
			redirectUris: [`${ROSTER}/auth/sso/default/callback`],
		},
		accounts: [ADMIN, STRANGER].map((login) => ({
			id: `oid-${login}`,
			username: login,
			claims: { preferred_username: login, email: login, name: login.split("@")[0] },
		})),
	});
});

test.afterAll(async () => {
	await idp?.close();
});

/** From Roster's sign-in page through the IdP's, as a person does: organization, then username and password. */
async function signInWithSso(page: Page, username: string, next?: string): Promise<void> {
	await page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
	await page.getByLabel("Organization").fill("default");
	await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
	await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
	await expect(page.getByRole("heading", { name: "Sign in to Contoso" })).toBeVisible();
	await page.getByLabel("Username").fill(username);
	await page.getByLabel("Password").fill(MOCK_PASSWORD);
	await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function freshPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: ROSTER });
	return context.newPage();
}

test("an administrator configures single sign-on in Settings and checks the issuer", async ({ page }) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
	await expect(page.getByRole("heading", { level: 2, name: "Single sign-on" })).toBeVisible();
	await expect(page.getByText(`${ROSTER}/auth/sso/default/callback`)).toBeVisible();

	await page.getByLabel("Issuer", { exact: true }).fill("http://idp.example.com");
	await page.getByRole("button", { name: "Save single sign-on" }).click();
	await expect(page.getByText("The issuer must use https://")).toBeVisible();

	await page.getByLabel("Issuer", { exact: true }).fill(idp.issuer);
	await page.getByRole("button", { name: "Check issuer" }).click();
	await expect(page.getByRole("status").filter({ hasText: "The issuer answers" })).toContainText(
		`${idp.issuer}/token`,
	);
	await page.getByLabel("Client ID").fill(CLIENT_ID);
	if (await page.getByRole("button", { name: "Replace secret" }).isVisible()) {
		await page.getByRole("button", { name: "Replace secret" }).click();
	}
	await page.getByLabel(/client secret/i).fill(CLIENT_SECRET);
	await page.getByLabel("Single sign-on is on for this organization").check();
	await expectAccessible(page);
	await snap(page, "settings-sso");
	await page.getByRole("button", { name: "Save single sign-on" }).click();
	await expect(page.getByRole("status").filter({ hasText: "Single sign-on saved" })).toBeVisible();

	await page.reload();
	await expect(page.getByText("set (not shown)")).toBeVisible();
	await expect(page.getByLabel("Issuer", { exact: true })).toHaveValue(idp.issuer);
	expect(await page.content()).not.toContain(CLIENT_SECRET);
});

test("a provisioned administrator signs in through the IdP and lands in the console, session cookie and all", async ({
	browser,
	request,
}) => {
	await provisionUser(request, ADMIN, {
		roles: [{ value: "urn:roster:role:organization:default:ADMIN" }],
	});
	const page = await freshPage(browser);
	await page.goto("/sign-in");
	await expectAccessible(page);
	await snap(page, "sign-in-with-sso");

	const documents: Request[] = [];
	page.on("request", (req) => {
		if (req.isNavigationRequest() && req.url().startsWith(ROSTER)) documents.push(req);
	});
	await signInWithSso(page, ADMIN, "/users");
	await expect(page).toHaveURL(`${ROSTER}/users`);
	await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
	await expect(page.getByRole("banner").getByText(ADMIN)).toBeVisible();

	// The IdP sent the browser back cross-site, so the callback carried no Strict cookie; the page it answered
	// moved on same-origin, and that very next request carried the new session cookie.
	const callbackAt = documents.findIndex((req) => req.url().includes("/auth/sso/default/callback"));
	expect(callbackAt).toBeGreaterThanOrEqual(0);
	const callback = await documents[callbackAt]?.allHeaders();
	const landing = await documents[callbackAt + 1]?.allHeaders();
	expect(documents[callbackAt + 1]?.url()).toBe(`${ROSTER}/users`);
	expect(callback?.["sec-fetch-site"]).toBe("cross-site");
	expect(callback?.cookie ?? "").not.toContain("roster_session=");
	expect(landing?.["sec-fetch-site"]).toBe("same-origin");
	expect(landing?.cookie ?? "").toContain("roster_session=");

	const [cookie] = (await page.context().cookies()).filter((c) => c.name === "roster_session");
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
	expect((await page.context().cookies()).filter((c) => c.name === "roster_sso")).toEqual([]);
	await snap(page, "sso-signed-in");
	await page.context().close();
});

test("a person the IdP knows but Roster was never sent is refused with a page that says what to do", async ({
	browser,
}) => {
	const page = await freshPage(browser);
	await signInWithSso(page, STRANGER);
	await expect(page).toHaveURL(`${ROSTER}/sign-in/refused?reason=not_provisioned`);
	await expect(
		page.getByRole("heading", { level: 1, name: "You do not have a Roster account yet" }),
	).toBeVisible();
	await expect(page.getByText("assign you to the Roster application")).toBeVisible();
	expect((await page.context().cookies()).filter((c) => c.name === "roster_session")).toEqual([]);
	await expectAccessible(page);
	await snap(page, "sso-refused-not-provisioned");
	await page.getByRole("link", { name: "Back to sign-in" }).click();
	await expect(page).toHaveURL(`${ROSTER}/sign-in`);
	await page.context().close();
});

test("an organization without single sign-on answers like one that does not exist", async ({ page }) => {
	await page.goto("/sign-in");
	await page.getByLabel("Organization").fill("no-such-organization");
	await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
	await expect(page).toHaveURL(`${ROSTER}/sign-in/refused?reason=not_configured`);
	await expect(
		page.getByRole("heading", { level: 1, name: "Single sign-on is not available here" }),
	).toBeVisible();
	await expectAccessible(page);
	await snap(page, "sso-refused-not-configured");
	await page.goto("/sign-in/refused?reason=<script>");
	await expect(page.getByRole("heading", { level: 1, name: "You were not signed in" })).toBeVisible();
});
