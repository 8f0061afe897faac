import { type Browser, expect as baseExpect, type Locator, type Page, test } from "@playwright/test";
import type { Exchange } from "../idp/http.ts";
import { MOCK_PASSWORD, type MockTenant, startMockTenant, type TenantKind } from "../idp/server/index.ts";
import { E2E_PORT, lifecycleOrganization } from "../state.ts";
import { expectAccessible, fact, signIn, snap } from "./fixtures.ts";

// Sign-ins run argon2 and RSA signing on a machine other suites share: allow for a busy server.
const expect = baseExpect.configure({ timeout: 20_000 });

const ROSTER = `http://127.0.0.1:${E2E_PORT}`;
/** The tenants listen on another loopback address, so Roster and the IdP are different sites, as in production. */
const TENANT_HOST = "127.0.0.2";
/** A deprovisioned session must be refused well within this (the bench's goal is p99 < 1 s). */
const LOCK_OUT_BOUND_MS = 5_000;

/** How a change made in the tenant's portal reaches Roster. */
type Delivery = "cycle" | "on-demand" | "push";

export interface LifecycleOptions {
	kind: TenantKind;
	/** Entra: how the promotion and the deprovisioning are carried (Okta always pushes at once). */
	promote: Delivery;
	deprovision: Delivery;
	/** The SSO user match Roster is configured with (the default matches userName ← preferred_username). */
	match?: { attribute: "userName" | "externalId"; claim: string };
}

/** What each vendor's portal and sign-in page call the things the story uses. */
const VENDOR = {
	entra: {
		preset: "Microsoft Entra ID",
		people: "/users",
		test: "Test Connection",
		tested: "The supplied credentials are authorized to enable provisioning.",
		start: "Start provisioning",
		disable: "Block sign-in",
		clientId: "Application (client) ID",
		clientSecret: "Client secret value",
		signInHeading: "Sign in",
		username: "Email, phone, or Skype",
		submit: "Sign in",
	},
	okta: {
		preset: "Okta",
		people: "/users",
		test: "Test API Credentials",
		tested: "The supplied credentials are authorized to enable provisioning.",
		start: "Enable",
		disable: "Deactivate",
		clientId: "Client ID",
		clientSecret: "Client secret",
		signInHeading: "Sign In",
		username: "Username",
		submit: "Sign In",
	},
} as const;

/** A person hired in the tenant: the directory's object id and the login (UPN) the IdP provisions. */
interface Person {
	id: string;
	displayName: string;
	login: string;
}

/**
 * The tenant's admin portal as its administrator uses it: every change goes through the portal's forms
 * in the browser; only ids and the wire log are read from the in-process handle.
 */
class TenantPortal {
	readonly words: (typeof VENDOR)[keyof typeof VENDOR];

	constructor(
		readonly page: Page,
		readonly tenant: MockTenant,
	) {
		this.words = VENDOR[tenant.control.profile.vendor];
	}

	get entra(): boolean {
		return this.tenant.control.profile.vendor === "entra";
	}

	async open(path: string): Promise<void> {
		await this.page.goto(`${this.tenant.url}${path}`);
	}

	/** The notice a form's action left (`role=status`), which must contain `text`. */
	async expectNotice(text: string | RegExp): Promise<void> {
		await expect(this.page.getByRole("status")).toContainText(text);
	}

	async connect(scimUrl: string, token: string): Promise<void> {
		const { profile } = this.tenant.control;
		await this.open("/provisioning");
		await this.page.getByLabel(profile.urlLabel).fill(scimUrl);
		await this.page.getByLabel(profile.tokenLabel).fill(token);
		await this.page.getByRole("button", { name: "Save", exact: true }).click();
		await this.expectNotice("Saved.");
		await this.page.getByRole("button", { name: this.words.test }).click();
		await this.expectNotice(this.words.tested);
	}

	async startProvisioning(): Promise<void> {
		await this.open("/provisioning");
		await this.page.getByRole("button", { name: this.words.start, exact: true }).click();
		await this.expectNotice("Provisioning is on.");
	}

	async runCycle(): Promise<void> {
		await this.open("/provisioning");
		await this.page.getByRole("button", { name: "Run cycle now" }).click();
		await this.expectNotice("The cycle ran");
	}

	async hire(givenName: string, surname: string, jobTitle: string): Promise<Person> {
		await this.open("/users");
		await this.page.getByLabel("First name (givenName)").fill(givenName);
		await this.page.getByLabel("Last name (surname)").fill(surname);
		await this.page.getByLabel("Job title").fill(jobTitle);
		await expect(this.page.getByLabel("Assign to the app")).toBeChecked();
		await this.page.getByRole("button", { name: "Create" }).click();
		const notice = this.page.getByRole("status");
		await expect(notice).toHaveText(/^Created \S+@\S+\.$/);
		const login = ((await notice.textContent()) ?? "").replace(/^Created /, "").replace(/\.$/, "");
		const user = this.tenant.directory.findByLogin(login);
		if (!user) throw new Error(`the tenant has no ${login}`);
		return { id: user.id, displayName: user.displayName, login };
	}

	/** A new group with `members`, assigned to the app (Entra) or pushed (Okta). */
	async createGroup(displayName: string, members: Person[]): Promise<void> {
		await this.open("/groups");
		await this.page.getByLabel("Name", { exact: true }).fill(displayName);
		await this.page
			.getByLabel("Members")
			.selectOption(
				members.map((person) => `${person.displayName} (${person.login})`).map((label) => ({ label })),
			);
		if (this.entra) await this.page.getByLabel("Assign to the app").check();
		else await expect(this.page.getByLabel("Push this group (Push Groups)")).toBeChecked();
		await this.page.getByRole("button", { name: "Create" }).click();
		await this.expectNotice(`Created ${displayName}.`);
	}

	async #openGroup(displayName: string): Promise<void> {
		await this.open("/groups");
		await this.page.getByRole("link", { name: displayName, exact: true }).click();
		await expect(this.page.getByRole("heading", { level: 2, name: displayName })).toBeVisible();
	}

	/** Moves `person` out of one group and into another, on the groups' pages. */
	async move(person: Person, from: string, to: string): Promise<void> {
		await this.#openGroup(to);
		await this.page
			.getByLabel("Add member")
			.selectOption({ label: `${person.displayName} (${person.login})` });
		await this.page.getByRole("button", { name: "Add", exact: true }).click();
		await this.expectNotice("Members changed.");
		await this.#openGroup(from);
		await this.page.getByRole("button", { name: `Remove ${person.displayName}` }).click();
		await this.expectNotice("Members changed.");
	}

	async openPerson(person: Person): Promise<void> {
		await this.open(this.words.people);
		await this.page.getByRole("link", { name: person.displayName, exact: true }).click();
		await expect(this.page.getByRole("heading", { level: 2, name: person.displayName })).toBeVisible();
	}

	async disable(person: Person): Promise<void> {
		await this.openPerson(person);
		await this.page.getByRole("button", { name: this.words.disable }).click();
		await this.expectNotice("Done: disable.");
	}

	async provisionOnDemand(person: Person): Promise<void> {
		await this.openPerson(person);
		await this.page.getByRole("button", { name: "Provision on demand" }).click();
		await this.expectNotice(/^Provision on demand: .*Success/);
	}

	/** Carries the last change to Roster: Okta already pushed it; Entra runs a cycle or provisions on demand. */
	async deliver(how: Delivery, person: Person): Promise<void> {
		if (!this.entra) return;
		if (how === "cycle") await this.runCycle();
		else await this.provisionOnDemand(person);
	}

	/** The registered application as the Single sign-on / Sign On page shows it. */
	async ssoApplication(): Promise<{ issuer: string; clientId: string; clientSecret: string }> {
		await this.open("/sso");
		const facts = this.page.locator("dl.facts");
		const read = async (label: string) => ((await fact(facts, label).textContent()) ?? "").trim();
		return {
			issuer: await read("Issuer"),
			clientId: await read(this.words.clientId),
			clientSecret: await read(this.words.clientSecret),
		};
	}

	async registerRedirectUri(uri: string): Promise<void> {
		await this.open("/sso");
		await this.page.getByLabel(/^Redirect URIs, one per line/).fill(uri);
		await this.page.getByRole("button", { name: "Save", exact: true }).click();
		await this.expectNotice("Redirect URIs saved");
	}

	/** The first request since `since` that took `rosterId`'s access away (PATCH or PUT with active false). */
	deprovisionRequest(since: number, rosterId: string): Exchange {
		const request = this.tenant.control.tenant.http.exchanges
			.slice(since)
			.find(
				(exchange) =>
					(exchange.method === "PATCH" || exchange.method === "PUT") &&
					exchange.path.split("?")[0] === `/Users/${rosterId}` &&
					JSON.stringify(exchange.requestBody).match(
						/"active":\s*(false|"False")|"value":\s*(false|"False")/,
					),
			);
		if (!request) throw new Error(`the tenant sent no deprovisioning of ${rosterId}`);
		return request;
	}
}

/** Epoch milliseconds, the clock the tenant stamps its requests with (`Exchange.startedAt`). */
function now(): number {
	return performance.timeOrigin + performance.now();
}

/** The console section titled `title` (level-2 heading). */
function section(page: Page, title: string): Locator {
	return page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: title }) });
}

/** Applies the audit viewer's filters: an entity name (contains) and, optionally, one action. */
async function filterAudit(page: Page, filter: { entityName: string; action?: string }): Promise<void> {
	await page.getByLabel("Action").selectOption(filter.action ?? "");
	await page.getByLabel("Entity name").fill(filter.entityName);
	await page.getByRole("button", { name: "Apply filters" }).click();
}

/** The employee's side: Roster's sign-in page → "single sign-on" → the tenant's sign-in page. */
async function startSso(
	page: Page,
	organization: string,
	portal: TenantPortal,
	login: string,
): Promise<void> {
	await page.goto("/sign-in");
	await page.getByLabel("Organization").fill(organization);
	await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
	await expect(page).toHaveURL(new RegExp(`^${portal.tenant.url}/interaction/`));
	await expect(page.getByRole("heading", { level: 1, name: portal.words.signInHeading })).toBeVisible();
	await page.getByLabel(portal.words.username).fill(login);
	await page.getByLabel("Password").fill(MOCK_PASSWORD);
	await page.getByRole("button", { name: portal.words.submit, exact: true }).click();
}

async function newContext(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: ROSTER });
	return context.newPage();
}

/**
 * One employee's life through a mock tenant of `options.kind` and Roster, as the people involved do it in
 * the browser: the Roster administrator connects the IdP and maps groups, the IdP administrator configures
 * the tenant in its portal and hires people, the employee signs in with SSO, is promoted and finally
 * disabled at the IdP, and the audit trail and the offboarding report tell the story. Prints the time from
 * the IdP's deprovisioning request to the employee's open page being refused.
 */
export function lifecycleSpec(options: LifecycleOptions, tenantPort: number): void {
	const { kind } = options;
	const { slug, admin } = lifecycleOrganization(kind);
	let tenant: MockTenant;

	test.beforeAll(async () => {
		tenant = await startMockTenant({ kind, host: TENANT_HOST, port: tenantPort });
	});
	test.afterAll(async () => {
		await tenant?.stop();
	});

	test(`${kind}: hire → provisioned → SSO → My access → promoted → disabled → logged out → audited`, async ({
		browser,
		page,
	}) => {
		test.setTimeout(120_000);
		const shot = (name: string, on: Page = page) => snap(on, `lifecycle-${kind}-${name}`);
		const portal = new TenantPortal(await page.context().newPage(), tenant);
		// Names carry the run, so the spec can run again against a server that kept an earlier run's people.
		const run = Date.now().toString(36).slice(-4);
		const connection = `${portal.words.preset} (${kind} ${run})`;
		const ADMINS_GROUP = `Roster Admins ${run}`;
		const STAFF_GROUP = `Engineering ${run}`;
		let token = "";
		let scimUrl = "";

		await test.step("the Roster administrator adds the connection and copies its token", async () => {
			await signIn(page, admin);
			await page.goto("/connections");
			await page.getByRole("button", { name: "Add connection" }).click();
			const add = page.getByRole("dialog", { name: "Add connection" });
			await add.getByRole("radio", { name: new RegExp(`^${portal.words.preset}`) }).check();
			await add.getByLabel("Connection name").fill(connection);
			await add.getByRole("button", { name: "Add connection" }).click();
			await expect(page.getByRole("heading", { level: 1, name: connection })).toBeVisible();
			scimUrl =
				(await page
					.locator("p", { hasText: "(paste this one)" })
					.locator("xpath=following-sibling::div[1]/code")
					.textContent()) ?? "";
			expect(scimUrl).toMatch(new RegExp(`^${ROSTER}/`));

			await page.getByRole("button", { name: "Create token" }).click();
			await page
				.getByRole("dialog", { name: "Create token" })
				.getByRole("button", { name: "Create token" })
				.click();
			const tokenField = page.getByRole("dialog").getByLabel("New token");
			await expect(tokenField).toHaveValue(/^rst_scim_/);
			token = await tokenField.inputValue();
			await shot("1-token");
			await page.keyboard.press("Escape");
		});

		await test.step("role mappings: Roster Admins → ADMIN, Engineering → USER", async () => {
			await page.goto("/mappings");
			for (const [group, tier] of [
				[ADMINS_GROUP, "ADMIN"],
				[STAFF_GROUP, "USER"],
			] as const) {
				await page.getByRole("button", { name: "New mapping" }).click();
				const editor = page.getByRole("dialog", { name: "New role mapping" });
				await editor.getByLabel("Group name").fill(group);
				await editor.getByLabel("Tier", { exact: true }).selectOption(tier);
				await editor.getByRole("button", { name: "Save", exact: true }).click();
				await expect(editor.getByText(/Access recomputed for 0 users/)).toBeVisible();
				await editor.getByRole("button", { name: "Done" }).click();
				await expect(page.getByRole("row").filter({ hasText: group })).toContainText(`tier ${tier}`);
			}
			await shot("2-mappings");
		});

		let ada: Person | undefined;
		let grace: Person | undefined;
		let linus: Person | undefined;
		await test.step("the IdP administrator configures the tenant in its portal and provisions the people", async () => {
			await portal.connect(scimUrl, token);
			await shot("3-tenant-connected", portal.page);
			// Okta pushes every change at once once provisioning is on; Entra sends nothing until its first cycle.
			if (!portal.entra) await portal.startProvisioning();
			ada = await portal.hire("Ada", `Lovelace ${run}`, "Engineer");
			grace = await portal.hire("Grace", `Hopper ${run}`, "IT administrator");
			linus = await portal.hire("Linus", `Torvalds ${run}`, "Contractor");
			await portal.createGroup(ADMINS_GROUP, [grace]);
			await portal.createGroup(STAFF_GROUP, [ada]);
			if (portal.entra) await portal.startProvisioning();
			await portal.open("/logs");
			await expect(portal.page.locator("td.status-Failure, td.status-FAILURE")).toHaveCount(0);
			await shot("3-tenant-logs", portal.page);
		});
		if (!ada || !grace || !linus) throw new Error("the people were not hired");
		const employee = ada;

		await test.step("Roster's Users and Groups pages show the people with their tiers, and the groups", async () => {
			await page.goto("/users");
			const users = page.getByRole("table", { name: "Users" });
			for (const [person, tier] of [
				[ada, "User"],
				[grace, "Admin"],
				[linus, "No access"],
			] as const) {
				const row = users.getByRole("row").filter({ hasText: person?.login ?? "" });
				await expect(row).toContainText(tier);
				await expect(row).toContainText(connection);
			}
			await expectAccessible(page);
			await shot("4-users");
			await page.goto("/groups");
			const groups = page.getByRole("table", { name: "Groups" });
			await expect(groups.getByRole("row").filter({ hasText: ADMINS_GROUP })).toBeVisible();
			await expect(groups.getByRole("row").filter({ hasText: STAFF_GROUP })).toBeVisible();
			await shot("4-groups");
		});

		await test.step("single sign-on: the tenant's application in Roster's Settings, Roster's redirect URI at the tenant", async () => {
			const app = await portal.ssoApplication();
			expect(app.issuer).toBe(tenant.issuer);
			await page.goto("/settings");
			const redirectUri =
				(await page
					.getByText("Redirect URI (paste it at your IdP)")
					.locator("xpath=following-sibling::div[1]/code")
					.textContent()) ?? "";
			expect(redirectUri).toBe(`${ROSTER}/auth/sso/${slug}/callback`);
			await page.getByLabel("Issuer", { exact: true }).fill(app.issuer);
			await page.getByRole("button", { name: "Check issuer" }).click();
			await expect(page.getByRole("status").filter({ hasText: "The issuer answers" })).toBeVisible();
			await page.getByLabel("Client ID").fill(app.clientId);
			// A run against a server that kept an earlier run's settings replaces the stored secret.
			const replace = page.getByRole("button", { name: "Replace secret" });
			if (await replace.isVisible()) await replace.click();
			await page.getByLabel(/client secret$/i).fill(app.clientSecret);
			if (options.match) {
				await page.getByLabel("Match users by").selectOption(options.match.attribute);
				await page.getByLabel("with the ID token claim").fill(options.match.claim);
			}
			await page.getByLabel("Single sign-on is on for this organization").check();
			await page.getByRole("button", { name: "Save single sign-on" }).click();
			await expect(page.getByRole("status").filter({ hasText: "Single sign-on saved" })).toBeVisible();
			await shot("5-sso-settings");
			await portal.registerRedirectUri(redirectUri);
			await shot("5-tenant-redirect", portal.page);
		});

		const person = await newContext(browser);
		await test.step("the employee signs in with SSO and sees My access: User, through Engineering", async () => {
			await startSso(person, slug, portal, employee.login);
			await expect(person).toHaveURL(`${ROSTER}/me`);
			await expect(person.getByRole("heading", { level: 1, name: "My access" })).toBeVisible();
			const access = section(person, "Your access");
			await expect(fact(access, "Tier")).toHaveText("User");
			await expect(access.getByText(new RegExp(`^USER because member of .?${STAFF_GROUP}`))).toBeVisible();
			await expect(section(person, "Your groups")).toContainText(STAFF_GROUP);
			const nav = person.getByRole("navigation", { name: "Main" });
			await expect(nav.getByRole("link")).toHaveText(["My access"]);
			await expect(person.getByRole("banner")).toContainText(employee.login);
			await expectAccessible(person);
			await shot("6-my-access", person);
		});

		await test.step("moved into Roster Admins at the tenant, the employee has the full console", async () => {
			await portal.move(employee, STAFF_GROUP, ADMINS_GROUP);
			await portal.deliver(options.promote, employee);
			// No reload: the page's next read of the stored decision brings the full console along.
			await person.getByRole("button", { name: "Refresh" }).click();
			const nav = person.getByRole("navigation", { name: "Main" });
			await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
			await expect(fact(section(person, "Your access"), "Tier")).toHaveText("Admin");
			await expect(section(person, "Your groups")).toContainText(ADMINS_GROUP);
			await expect(section(person, "Your groups")).not.toContainText(STAFF_GROUP);
			await expectAccessible(person);
			await shot("7-promoted", person);
		});

		const rosterId = tenant.control.tenant.rosterUserId(employee.id) ?? "";
		await test.step("disabled at the tenant, the employee's open page is signed out on its next request", async () => {
			expect(rosterId, `${employee.login} was provisioned`).not.toBe("");
			const since = tenant.control.tenant.http.exchanges.length;
			await portal.disable(employee);
			await portal.deliver(options.deprovision, employee);
			const request = portal.deprovisionRequest(since, rosterId);
			expect(request.status).toBeLessThan(300);

			const refused = person.waitForResponse(
				(response) => response.url().startsWith(`${ROSTER}/trpc/`) && response.status() === 401,
			);
			await person.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
			await refused;
			const elapsed = now() - request.startedAt;
			console.log(`${kind}: deprovision → refused in ${elapsed.toFixed(0)} ms`);
			expect(elapsed).toBeLessThan(LOCK_OUT_BOUND_MS);
			await expect(person).toHaveURL(/\/sign-in\?/);
			await expect(person.getByText("Your session ended. Sign in again to continue.")).toBeVisible();
			await expectAccessible(person);
			await shot("8-signed-out", person);
		});

		await test.step("the audit trail and the offboarding report tell the story; the IdP refuses the next sign-in", async () => {
			await page.goto("/audit");
			const events = page.getByRole("table", { name: "Audit events" });
			await filterAudit(page, { entityName: employee.login });
			const row = (action: string) => events.getByRole("row").filter({ hasText: action }).first();
			await expect(row("SCIM_USER_PROVISIONED")).toContainText(connection);
			const signedIn = row("SSO_SIGN_IN");
			await expect(signedIn).toContainText("single sign-on");
			await signedIn.getByText("Metadata").click();
			const match = options.match ?? { attribute: "userName", claim: "preferred_username" };
			await expect(signedIn).toContainText(`"matchAttribute": "${match.attribute}"`);
			// Okta's `sub` is the Okta user id, which Okta also sent as the SCIM externalId.
			const claimValue = match.claim === "sub" ? employee.id : employee.login;
			await expect(signedIn).toContainText(`"claimValue": "${claimValue}"`);
			const deprovisioned = row("SCIM_USER_DEPROVISIONED");
			await expect(deprovisioned).toContainText(connection);
			await deprovisioned.getByText("Metadata").click();
			await expect(deprovisioned).toContainText('"sessionsKilled": 1');
			await expectAccessible(page);
			await shot("9-audit-employee");

			// The promotion is on record as the admin group's membership change and the access it recomputed.
			await filterAudit(page, { entityName: ADMINS_GROUP, action: "SCIM_GROUP_SYNCED" });
			const promoted = row("SCIM_GROUP_SYNCED");
			await expect(promoted).toContainText(ADMINS_GROUP);
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
			// The "Sessions killed" column: Ada's one open session.
			await expect(leaver.getByRole("cell").nth(6)).toHaveText("1");
			await shot("9-offboarding");

			await startSso(person, slug, portal, employee.login);
			await expect(person.getByRole("alert")).toHaveText(tenant.control.profile.refusals.disabled);
			await shot("9-idp-refuses", person);
			await person.context().close();
		});
	});
}
