import { type Browser, expect as baseExpect, type Locator, type Page, test } from "@playwright/test";
import { type MockTenant, startMockTenant, TENANT_KINDS, type TenantKind } from "../idp/server/index.ts";
import { E2E_PORT, lifecycleOrganization } from "../state.ts";
import { expectAccessible, fact, signIn, snap } from "./fixtures.ts";
import { type Delivery, type Person, TenantPortal } from "./lifecycle-portal.ts";

// Sign-ins run argon2 and RSA signing on a machine other suites share: allow for a busy server.
const expect = baseExpect.configure({ timeout: 20_000 });

const ROSTER = `http://127.0.0.1:${E2E_PORT}`;
/** The tenants listen on another loopback address: Roster and the IdP are different sites, as in production. */
const TENANT_HOST = "127.0.0.2";
/** A deprovisioned session must be refused well within this (the bench's goal is p99 < 1 s). */
const LOCK_OUT_BOUND_MS = 5_000;

export interface LifecycleOptions {
	kind: TenantKind;
	/** How the promotion and the deprovisioning reach Roster (Okta always pushes at once). */
	promote: Delivery;
	deprovision: Delivery;
	/** Roster's SSO user match, when not the default userName ← preferred_username. */
	match?: { attribute: "externalId"; claim: string };
}

/** Each kind's tenant listens on its own port, 301… above Roster's (sso.spec's IdP has +300). */
function tenantPortOf(kind: TenantKind): number {
	return E2E_PORT + 301 + TENANT_KINDS.indexOf(kind);
}

/** Epoch milliseconds, the clock the tenant stamps its requests with (`Exchange.startedAt`). */
function now(): number {
	return performance.timeOrigin + performance.now();
}

/** The console section titled `title` (level-2 heading). */
function section(page: Page, title: string): Locator {
	return page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: title }) });
}

/** The `<code>` the console shows right after the line that names it (base URLs, the redirect URI). */
async function codeAfter(line: Locator): Promise<string> {
	return (await line.locator("xpath=following-sibling::div[1]/code").textContent()) ?? "";
}

/** SSO & provisioning → Add connection with the IdP's preset → Create token: the base URL to paste and the token. */
async function addConnection(
	page: Page,
	preset: string,
	name: string,
): Promise<{ scimUrl: string; token: string }> {
	await page.goto("/connections");
	await page.getByRole("button", { name: "Add connection" }).click();
	const add = page.getByRole("dialog", { name: "Add connection" });
	await add.getByRole("radio", { name: new RegExp(`^${preset}`) }).check();
	await add.getByLabel("Connection name").fill(name);
	await add.getByRole("button", { name: "Add connection" }).click();
	await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
	const scimUrl = await codeAfter(page.locator("p", { hasText: "(paste this one)" }));

	await page.getByRole("button", { name: "Create token" }).click();
	await page
		.getByRole("dialog", { name: "Create token" })
		.getByRole("button", { name: "Create token" })
		.click();
	const tokenField = page.getByRole("dialog").getByLabel("New token");
	await expect(tokenField).toHaveValue(/^rst_scim_/);
	return { scimUrl, token: await tokenField.inputValue() };
}

/** Role mappings → New mapping: a group typed by name (not provisioned yet) → a tier. */
async function mapGroup(page: Page, group: string, tier: "ADMIN" | "USER"): Promise<void> {
	await page.getByRole("button", { name: "New mapping" }).click();
	const editor = page.getByRole("dialog", { name: "New role mapping" });
	await editor.getByLabel("Group name").fill(group);
	await editor.getByLabel("Tier", { exact: true }).selectOption(tier);
	await editor.getByRole("button", { name: "Save", exact: true }).click();
	await expect(editor.getByText(/Access recomputed for 0 users/)).toBeVisible();
	await editor.getByRole("button", { name: "Done" }).click();
	await expect(page.getByRole("row").filter({ hasText: group })).toContainText(`tier ${tier}`);
}

/** Settings → Single sign-on with the tenant's application; returns the redirect URI to register at the IdP. */
async function configureSso(
	page: Page,
	app: { issuer: string; clientId: string; clientSecret: string },
	match: LifecycleOptions["match"],
): Promise<string> {
	await page.goto("/settings");
	const redirectUri = await codeAfter(page.getByText("Redirect URI (paste it at your IdP)"));
	await page.getByLabel("Issuer", { exact: true }).fill(app.issuer);
	await page.getByRole("button", { name: "Check issuer" }).click();
	await expect(page.getByRole("status").filter({ hasText: "The issuer answers" })).toBeVisible();
	await page.getByLabel("Client ID").fill(app.clientId);
	// A run against a server that kept an earlier run's settings replaces the stored secret.
	const replace = page.getByRole("button", { name: "Replace secret" });
	if (await replace.isVisible()) await replace.click();
	await page.getByLabel(/client secret$/i).fill(app.clientSecret);
	if (match) {
		await page.getByLabel("Match users by").selectOption(match.attribute);
		await page.getByLabel("with the ID token claim").fill(match.claim);
	}
	await page.getByLabel("Single sign-on is on for this organization").check();
	await page.getByRole("button", { name: "Save single sign-on" }).click();
	await expect(page.getByRole("status").filter({ hasText: "Single sign-on saved" })).toBeVisible();
	return redirectUri;
}

/** Roster's sign-in page → the organization → "Sign in with single sign-on" → the tenant's sign-in page. */
async function signInWithSso(page: Page, organization: string, portal: TenantPortal, login: string) {
	await page.goto("/sign-in");
	await page.getByLabel("Organization").fill(organization);
	await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
	await portal.signInAtIdp(page, login);
}

/** Audit → Filter: an entity name (contains) and, optionally, one action. */
async function filterAudit(page: Page, filter: { entityName: string; action?: string }): Promise<void> {
	await page.getByLabel("Action").selectOption(filter.action ?? "");
	await page.getByLabel("Entity name").fill(filter.entityName);
	await page.getByRole("button", { name: "Apply filters" }).click();
}

async function newBrowser(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: ROSTER });
	return context.newPage();
}

/**
 * One employee's life through a mock tenant of `options.kind` and Roster, each person in their own
 * browser: the Roster administrator connects the IdP and maps groups; the IdP administrator (same
 * browser, another tab) configures the tenant in its portal and hires people; the employee signs in with
 * SSO, is promoted and finally disabled at the IdP; the audit trail and the offboarding report tell the
 * story. Prints the time from the IdP's deprovisioning request to the employee's open page being refused.
 */
export function lifecycleSpec(options: LifecycleOptions): void {
	const { kind } = options;
	const { slug, admin } = lifecycleOrganization(kind);
	let tenant: MockTenant;

	test.beforeAll(async () => {
		tenant = await startMockTenant({ kind, host: TENANT_HOST, port: tenantPortOf(kind) });
	});
	test.afterAll(async () => {
		await tenant?.stop();
	});

	test(`${kind}: hired → provisioned → SSO → My access → promoted → disabled → signed out → audited`, async ({
		browser,
		page,
	}) => {
		test.setTimeout(120_000);
		const shot = (name: string, on: Page = page) => snap(on, `lifecycle-${kind}-${name}`);
		const portal = new TenantPortal(await page.context().newPage(), tenant);
		// Names carry the run, so the spec can run again against a server that kept an earlier run's people.
		const run = Date.now().toString(36).slice(-4);
		const connection = `${portal.words.preset} (${kind} ${run})`;
		const adminsGroup = `Roster Admins ${run}`;
		const staffGroup = `Engineering ${run}`;

		const { scimUrl, token } =
			await test.step("the Roster administrator adds the connection and copies its token", async () => {
				await signIn(page, admin);
				const made = await addConnection(page, portal.words.preset, connection);
				expect(made.scimUrl).toBe(`${ROSTER}/scim/v2`);
				await shot("1-token");
				await page.keyboard.press("Escape");
				return made;
			});

		await test.step("role mappings: Roster Admins → ADMIN, Engineering → USER", async () => {
			await page.goto("/mappings");
			await mapGroup(page, adminsGroup, "ADMIN");
			await mapGroup(page, staffGroup, "USER");
			await shot("2-mappings");
		});

		const { ada, grace, linus } =
			await test.step("the IdP administrator configures the tenant in its portal; the people are provisioned", async () => {
				await portal.connect(scimUrl, token);
				await shot("3-tenant-connected", portal.page);
				// Okta pushes each change at once while provisioning is on; Entra sends nothing before its first cycle.
				if (!portal.isEntra) await portal.startProvisioning();
				const people = {
					ada: await portal.hire("Ada", `Lovelace ${run}`, "Engineer"),
					grace: await portal.hire("Grace", `Hopper ${run}`, "IT administrator"),
					linus: await portal.hire("Linus", `Torvalds ${run}`, "Contractor"),
				};
				await portal.createGroup(adminsGroup, [people.grace]);
				await portal.createGroup(staffGroup, [people.ada]);
				if (portal.isEntra) await portal.startProvisioning();
				await portal.open("/logs");
				await expect(portal.page.locator("td.status-Failure, td.status-FAILURE")).toHaveCount(0);
				await shot("3-tenant-logs", portal.page);
				return people;
			});
		const employee: Person = ada;

		await test.step("Roster's Users page shows the people with their tiers, the Groups page the groups", async () => {
			await page.goto("/users");
			const users = page.getByRole("table", { name: "Users" });
			for (const [person, tier] of [
				[ada, "User"],
				[grace, "Admin"],
				[linus, "No access"],
			] as const) {
				const row = users.getByRole("row").filter({ hasText: person.login });
				await expect(row).toContainText(tier);
				await expect(row).toContainText(connection);
			}
			await expectAccessible(page);
			await shot("4-users");
			await page.goto("/groups");
			const groups = page.getByRole("table", { name: "Groups" });
			await expect(groups.getByRole("row").filter({ hasText: adminsGroup })).toBeVisible();
			await expect(groups.getByRole("row").filter({ hasText: staffGroup })).toBeVisible();
			await shot("4-groups");
		});

		await test.step("single sign-on: the tenant's application in Roster's Settings, Roster's redirect URI at the tenant", async () => {
			const app = await portal.ssoApplication();
			expect(app.issuer).toBe(tenant.issuer);
			const redirectUri = await configureSso(page, app, options.match);
			expect(redirectUri).toBe(`${ROSTER}/auth/sso/${slug}/callback`);
			await shot("5-sso-settings");
			await portal.registerRedirectUri(redirectUri);
			await shot("5-tenant-redirect", portal.page);
		});

		const person = await newBrowser(browser);
		await test.step("the employee signs in with SSO and lands on My access: User, through Engineering", async () => {
			await signInWithSso(person, slug, portal, employee.login);
			await expect(person).toHaveURL(`${ROSTER}/me`);
			await expect(person.getByRole("heading", { level: 1, name: "My access" })).toBeVisible();
			const access = section(person, "Your access");
			await expect(fact(access, "Tier")).toHaveText("User");
			await expect(access.getByText(new RegExp(`^USER because member of .?${staffGroup}`))).toBeVisible();
			await expect(section(person, "Your groups")).toContainText(staffGroup);
			await expect(person.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([
				"My access",
			]);
			await expect(person.getByRole("banner")).toContainText(employee.login);
			await expectAccessible(person);
			await shot("6-my-access", person);
		});

		await test.step("moved into Roster Admins at the tenant, the employee's next read brings the full console", async () => {
			await portal.move(employee, staffGroup, adminsGroup);
			await portal.deliver(options.promote, employee);
			await person.getByRole("button", { name: "Refresh" }).click();
			await expect(
				person.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }),
			).toBeVisible();
			await expect(fact(section(person, "Your access"), "Tier")).toHaveText("Admin");
			await expect(section(person, "Your groups")).toContainText(adminsGroup);
			await expect(section(person, "Your groups")).not.toContainText(staffGroup);
			await expectAccessible(person);
			await shot("7-promoted", person);
		});

		const rosterId = tenant.control.tenant.rosterUserId(employee.id) ?? "";
		await test.step("disabled at the tenant, the employee's open page is signed out on its next request", async () => {
			expect(rosterId, `${employee.login} has a Roster id`).not.toBe("");
			// Armed first: whichever request of the open page is refused first counts, even the page's own refresh.
			let refusedAt = 0;
			const refused = person.waitForResponse((response) => {
				const isRefusal = response.url().startsWith(`${ROSTER}/trpc/`) && response.status() === 401;
				if (isRefusal) refusedAt = now();
				return isRefusal;
			});
			const since = portal.requestCount;
			await portal.disable(employee);
			await portal.deliver(options.deprovision, employee);
			const request = portal.deprovisionRequest(since, rosterId);
			expect(request.status).toBeLessThan(300);

			// The employee's next request: a click in the navigation (unless the 30-second refresh got there first).
			if (!person.url().includes("/sign-in")) {
				await person.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
			}
			await refused;
			const elapsed = refusedAt - request.startedAt;
			console.log(`${kind}: deprovision → refused in ${elapsed.toFixed(0)} ms`);
			expect(elapsed).toBeLessThan(LOCK_OUT_BOUND_MS);
			await expect(person).toHaveURL(/\/sign-in\?/);
			await expect(person.getByText("Your session ended. Sign in again to continue.")).toBeVisible();
			await expectAccessible(person);
			await shot("8-signed-out", person);
			await portal.open("/logs");
			await expect(portal.page.locator("td.status-Failure, td.status-FAILURE")).toHaveCount(0);
			await shot("8-tenant-logs", portal.page);
		});

		await test.step("the audit trail and the offboarding report tell the story; the IdP refuses the next sign-in", async () => {
			await page.goto("/audit");
			const events = page.getByRole("table", { name: "Audit events" });
			const row = (action: string) => events.getByRole("row").filter({ hasText: action }).first();
			await filterAudit(page, { entityName: employee.login });
			await expect(row("SCIM_USER_PROVISIONED")).toContainText(connection);
			const signedIn = row("SSO_SIGN_IN");
			await signedIn.getByText("Metadata").click();
			const match = options.match ?? { attribute: "userName", claim: "preferred_username" };
			await expect(signedIn).toContainText(`"matchAttribute": "${match.attribute}"`);
			// Okta's `sub` is the Okta user id, which Okta also sent as the SCIM externalId.
			await expect(signedIn).toContainText(
				`"claimValue": "${match.claim === "sub" ? employee.id : employee.login}"`,
			);
			const deprovisioned = row("SCIM_USER_DEPROVISIONED");
			await expect(deprovisioned).toContainText(connection);
			await deprovisioned.getByText("Metadata").click();
			await expect(deprovisioned).toContainText('"sessionsKilled": 1');
			// The promotion is on the employee's own trail, naming the group it came from.
			const promotedOnTrail = row("SCIM_USER_ACCESS_CHANGED");
			await promotedOnTrail.getByText("Changes").click();
			await promotedOnTrail.getByText("Metadata").click();
			await expect(promotedOnTrail).toContainText('"new": "ADMIN"');
			await expect(promotedOnTrail).toContainText(adminsGroup);
			await expectAccessible(page);
			await shot("9-audit-employee");

			// The promotion is on record as the admin group's new member and the access that recomputed.
			await filterAudit(page, { entityName: adminsGroup, action: "SCIM_GROUP_SYNCED" });
			const promoted = row("SCIM_GROUP_SYNCED");
			await expect(promoted).toContainText(adminsGroup);
			await promoted.getByText("Changes").click();
			await promoted.getByText("Metadata").click();
			await expect(promoted).toContainText("membersAdded");
			await expect(promoted).toContainText(rosterId);
			await expect(promoted).toContainText('"usersChanged": 1');
			await shot("9-audit-promotion");

			await page.getByRole("link", { name: "Offboarding report" }).click();
			const leaver = page
				.getByRole("table", { name: "Offboarded users" })
				.getByRole("row")
				.filter({ hasText: employee.login });
			await expect(leaver).toContainText("Deprovisioned");
			await expect(leaver).toContainText(connection);
			// The "Sessions killed" column: the employee's one open session.
			await expect(leaver.getByRole("cell").nth(6)).toHaveText("1");
			await shot("9-offboarding");

			await signInWithSso(person, slug, portal, employee.login);
			await expect(person.getByRole("alert")).toHaveText(tenant.control.profile.refusals.disabled);
			await shot("9-idp-refuses", person);
			await person.context().close();
		});
	});
}
