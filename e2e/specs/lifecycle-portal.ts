import { expect as baseExpect, type Page } from "@playwright/test";
import type { Exchange } from "../idp/http.ts";
import { MOCK_PASSWORD, type MockTenant } from "../idp/server/index.ts";
import { fact } from "./fixtures.ts";

// The portal's forms wait for the tenant's pushes to Roster, on a machine other suites share.
const expect = baseExpect.configure({ timeout: 20_000 });

/** How a change made in the tenant's portal reaches Roster: Okta pushes at once, Entra waits for a cycle or "on demand". */
export type Delivery = "cycle" | "on-demand" | "push";

/** What each vendor's portal and sign-in page call the things the lifecycle uses. */
const WORDS = {
	entra: {
		preset: "Microsoft Entra ID",
		test: "Test Connection",
		start: "Start provisioning",
		disable: "Block sign-in",
		clientId: "Application (client) ID",
		clientSecret: "Client secret value",
		signIn: "Sign in",
		username: "Email, phone, or Skype",
	},
	okta: {
		preset: "Okta",
		test: "Test API Credentials",
		start: "Enable",
		disable: "Deactivate",
		clientId: "Client ID",
		clientSecret: "Client secret",
		signIn: "Sign In",
		username: "Username",
	},
} as const;

/** A person hired in the tenant: the directory's object id, the display name and the login (UPN) it provisions. */
export interface Person {
	id: string;
	displayName: string;
	login: string;
}

/** Whether a SCIM write turns the user inactive, in any of the shapes the IdPs send (shared/idp). */
function deactivates(exchange: Exchange): boolean {
	const body = exchange.requestBody as {
		active?: unknown;
		Operations?: { path?: string; value?: unknown }[];
	};
	// Okta AIW: the whole user again, with active false.
	if (exchange.method === "PUT") return body.active === false;
	return (body.Operations ?? []).some(
		({ path, value }) =>
			// Entra: `"path": "active", "value": "False"` (legacy) or `false` (aadOptscim062020).
			(path?.toLowerCase() === "active" && String(value).toLowerCase() === "false") ||
			// Okta OIN: a path-less replace with `{"active": false}`.
			(path === undefined && (value as { active?: unknown } | null)?.active === false),
	);
}

/**
 * A mock tenant's admin portal as its administrator uses it: every change goes through the portal's
 * forms in the browser; only directory ids and the wire log are read from the in-process handle.
 */
export class TenantPortal {
	readonly words: (typeof WORDS)[keyof typeof WORDS];

	constructor(
		readonly page: Page,
		readonly tenant: MockTenant,
	) {
		this.words = WORDS[tenant.control.profile.vendor];
	}

	get isEntra(): boolean {
		return this.tenant.control.profile.vendor === "entra";
	}

	async open(path: string): Promise<void> {
		await this.page.goto(`${this.tenant.url}${path}`);
	}

	/** The notice the last form left, which must contain `text`. */
	async expectNotice(text: string | RegExp): Promise<void> {
		await expect(this.page.getByRole("status")).toContainText(text);
	}

	/** Provisioning: the Tenant URL / Base URL and the secret pasted, Save, then the portal's connection test. */
	async connect(scimUrl: string, token: string): Promise<void> {
		const { profile } = this.tenant.control;
		await this.open("/provisioning");
		await this.page.getByLabel(profile.urlLabel).fill(scimUrl);
		await this.page.getByLabel(profile.tokenLabel).fill(token);
		await this.page.getByRole("button", { name: "Save", exact: true }).click();
		await this.expectNotice("Saved.");
		await this.page.getByRole("button", { name: this.words.test }).click();
		await this.expectNotice("The supplied credentials are authorized to enable provisioning.");
	}

	/** Provisioning Status On (Entra: runs the initial cycle) / "To App" enabled (Okta: pushes from now on). */
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

	/** Hires a person, assigned to the app; the login is the one the portal's notice names. */
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

	/** A new group with `members`: assigned to the app (Entra) or pushed with Push Groups (Okta). */
	async createGroup(displayName: string, members: Person[]): Promise<void> {
		await this.open("/groups");
		await this.page.getByLabel("Name", { exact: true }).fill(displayName);
		await this.page
			.getByLabel("Members")
			.selectOption(members.map((person) => ({ label: optionOf(person) })));
		if (this.isEntra) await this.page.getByLabel("Assign to the app").check();
		else await expect(this.page.getByLabel("Push this group (Push Groups)")).toBeChecked();
		await this.page.getByRole("button", { name: "Create" }).click();
		await this.expectNotice(`Created ${displayName}.`);
	}

	async #openGroup(displayName: string): Promise<void> {
		await this.open("/groups");
		await this.page.getByRole("link", { name: displayName, exact: true }).click();
		await expect(this.page.getByRole("heading", { level: 2, name: displayName })).toBeVisible();
	}

	/** Moves `person` into one group and out of another, on the groups' pages. */
	async move(person: Person, from: string, to: string): Promise<void> {
		await this.#openGroup(to);
		await this.page.getByLabel("Add member").selectOption({ label: optionOf(person) });
		await this.page.getByRole("button", { name: "Add", exact: true }).click();
		await this.expectNotice("Members changed.");
		await this.#openGroup(from);
		await this.page.getByRole("button", { name: `Remove ${person.displayName}` }).click();
		await this.expectNotice("Members changed.");
	}

	async #openPerson(person: Person): Promise<void> {
		await this.open("/users");
		await this.page.getByRole("link", { name: person.displayName, exact: true }).click();
		await expect(this.page.getByRole("heading", { level: 2, name: person.displayName })).toBeVisible();
	}

	/** Block sign-in (Entra) / Deactivate (Okta). */
	async disable(person: Person): Promise<void> {
		await this.#openPerson(person);
		await this.page.getByRole("button", { name: this.words.disable }).click();
		await this.expectNotice("Done: disable.");
	}

	async provisionOnDemand(person: Person): Promise<void> {
		await this.#openPerson(person);
		await this.page.getByRole("button", { name: "Provision on demand" }).click();
		await this.expectNotice(/^Provision on demand: .*Success/);
	}

	/** Carries the last change about `person` to Roster: Okta already pushed it; Entra runs a cycle or provisions on demand. */
	async deliver(how: Delivery, person: Person): Promise<void> {
		if (how === "push") {
			expect(this.isEntra, "only Okta pushes each change at once").toBe(false);
			return;
		}
		if (how === "cycle") await this.runCycle();
		else await this.provisionOnDemand(person);
	}

	/** The registered application as the Single sign-on (Entra) / Sign On (Okta) page shows it. */
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

	/** How many requests the tenant has sent so far, to find the ones a later action sends. */
	get requestCount(): number {
		return this.tenant.control.tenant.http.exchanges.length;
	}

	/** The first request since `since` that turned Roster's user `rosterId` inactive. */
	deprovisionRequest(since: number, rosterId: string): Exchange {
		const request = this.tenant.control.tenant.http.exchanges
			.slice(since)
			.find(
				(exchange) =>
					(exchange.method === "PATCH" || exchange.method === "PUT") &&
					exchange.path.split("?")[0] === `/Users/${rosterId}` &&
					deactivates(exchange),
			);
		if (!request) throw new Error(`the tenant sent no deprovisioning of ${rosterId}`);
		return request;
	}

	/** The tenant's own sign-in page, reached from Roster's "Sign in with single sign-on": login and password. */
	async signInAtIdp(page: Page, login: string): Promise<void> {
		await expect(page).toHaveURL(new RegExp(`^${this.tenant.url}/interaction/`));
		await expect(page.getByRole("heading", { level: 1, name: this.words.signIn })).toBeVisible();
		await page.getByLabel(this.words.username).fill(login);
		await page.getByLabel("Password").fill(MOCK_PASSWORD);
		await page.getByRole("button", { name: this.words.signIn, exact: true }).click();
	}
}

/** How the portal's member pickers name a person. */
function optionOf(person: Person): string {
	return `${person.displayName} (${person.login})`;
}
