import { checkCreated, checkListResponse, checkPatchAnswer, IdpCheckFailure } from "./checks.ts";
import type { Clock } from "./clock.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import { encodeFilter, type FetchLike, type JsonObject, type ScimHttp } from "./http.ts";
import { type FailedTask, OktaClient, PAGE, type SystemLogEvent } from "./okta-client.ts";
import { type GroupLink, OktaGroupPush } from "./okta-groups.ts";
import { checkOktaUser, createBody, profileOf, putBody } from "./okta-profile.ts";
import { PATCH_OP } from "./urns.ts";

export {
	type FailedTask,
	OKTA_DEFAULT_RETRY_MS,
	OKTA_MAX_ATTEMPTS,
	OKTA_USER_AGENT,
	type SystemLogEvent,
} from "./okta-client.ts";

interface UserLink {
	rosterId: string;
	active: boolean;
	exported: string;
}

export interface OktaTenantOptions {
	/** `oin`: catalog app (PATCH for (de)activation and groups); `aiw`: wizard app (PUT for everything). */
	app: "oin" | "aiw";
	directory: Directory;
	clock: Clock;
	baseUrl: string;
	token: string;
	fetch: FetchLike;
	/** "Delete the group in the target app" when a pushed group is unlinked. */
	deleteUnlinkedGroups?: boolean;
}

/**
 * An Okta org with one SCIM app (okta.md), OIN or AIW flavour. Okta is event-driven: `sync()` sends the
 * tasks that the directory changes since the last sync cause, in order, at once. Profile updates are a
 * GET followed by a full PUT built from that GET; users are never deleted. 429s follow Okta's back-off on
 * the fake clock ({@link OktaClient}); Group Push is {@link OktaGroupPush}. Answers Okta cannot use throw
 * an {@link IdpCheckFailure}; failed tasks are recorded.
 */
export class OktaTenant {
	readonly http: ScimHttp;
	readonly failedTasks: FailedTask[];
	/** Failed tasks waiting for Retry, by object id. */
	readonly openTasks: Map<string, FailedTask>;
	readonly systemLog: SystemLogEvent[];
	readonly userLinks = new Map<string, UserLink>();
	readonly groupLinks: Map<string, GroupLink>;
	readonly #options: OktaTenantOptions;
	readonly #client: OktaClient;
	readonly #groups: OktaGroupPush;

	constructor(options: OktaTenantOptions) {
		this.#options = options;
		this.#client = new OktaClient(options);
		this.#groups = new OktaGroupPush(this.#client, options, this.userLinks);
		this.http = this.#client.http;
		this.failedTasks = this.#client.failedTasks;
		this.openTasks = this.#client.openTasks;
		this.systemLog = this.#client.systemLog;
		this.groupLinks = this.#groups.links;
	}

	rosterUserId(directoryId: string): string | undefined {
		return this.userLinks.get(directoryId)?.rosterId;
	}

	rosterGroupId(directoryId: string): string | undefined {
		return this.groupLinks.get(directoryId)?.rosterId;
	}

	/** "Test API Credentials", then saving "To App" settings. */
	async testConnector(): Promise<void> {
		const users = await this.#client.send("GET", "/Users?startIndex=1&count=2");
		const { resources } = checkListResponse(users, "Test connector failed");
		if (resources.length > 2)
			throw new IdpCheckFailure("Test connector failed", "count=2 not honoured", users);
		for (const resource of resources) checkOktaUser(resource, users);
		checkListResponse(
			await this.#client.send("GET", `/Groups?startIndex=1&count=${PAGE}`),
			"Test connector failed",
		);
	}

	/** Sends every task the directory changes cause (assignment, profile edit, deactivation, Group Push). */
	async sync(): Promise<FailedTask[]> {
		const first = this.failedTasks.length;
		const { directory } = this.#options;
		for (const user of directory.users.values())
			await this.#client.task("user", user.id, () => this.#syncUser(user));
		for (const [directoryId, link] of this.userLinks) {
			if (!directory.users.has(directoryId) && link.active) {
				await this.#client.task("deactivate", directoryId, () => this.#deactivate(link));
			}
		}
		await this.#groups.sync();
		return this.failedTasks.slice(first);
	}

	/** Tasks → Retry: takes the failed task off the list and runs what its object still needs. */
	async retryTask(taskId: number): Promise<FailedTask[]> {
		if (!this.#client.release(taskId)) throw new Error(`no failed task ${taskId} waits for Retry`);
		return this.sync();
	}

	/** Tasks → Dismiss: takes the failed task off the list without running it. */
	dismissTask(taskId: number): void {
		if (!this.#client.release(taskId)) throw new Error(`no failed task ${taskId} waits for Retry`);
	}

	/** "Push Now": re-sends a pushed group's full membership. */
	async pushNow(directoryId: string): Promise<void> {
		await this.#groups.pushNow(directoryId);
	}

	/** "Import Now": pages through `/Users` or `/Groups` with `count=100`, checking that paging is exact. */
	async importAll(kind: "Users" | "Groups"): Promise<JsonObject[]> {
		return this.#client.importAll(kind);
	}

	async #syncUser(user: DirectoryUser): Promise<void> {
		const { directory } = this.#options;
		const active = directory.isActiveInScope(user.id);
		const link = this.userLinks.get(user.id);
		const profile = JSON.stringify(profileOf(user, directory));
		if (!link) {
			if (active) await this.#create(user);
			return;
		}
		if (!active) {
			if (link.active) await this.#deactivate(link);
			return;
		}
		if (!link.active) await this.#reactivate(user, link);
		if (link.exported !== profile) await this.#update(user, link);
	}

	async #lookup(user: DirectoryUser): Promise<JsonObject | undefined> {
		const filter = encodeFilter(`userName eq "${user.userPrincipalName}"`, "%20");
		const lookup = await this.#client.send("GET", `/Users?filter=${filter}&startIndex=1&count=${PAGE}`);
		const { resources } = checkListResponse(lookup, "Lookup failed");
		if (resources.length > 1)
			throw new IdpCheckFailure("MultipleUsersFound", "the lookup matched more than one", lookup);
		if (resources[0]) checkOktaUser(resources[0], lookup);
		return resources[0];
	}

	async #create(user: DirectoryUser): Promise<void> {
		this.#client.describe("Push new user to app");
		const found = await this.#lookup(user);
		if (found && typeof found.id === "string") {
			const link: UserLink = { rosterId: found.id, active: found.active === true, exported: "" };
			this.userLinks.set(user.id, link);
			if (!link.active) await this.#reactivate(user, link);
			await this.#update(user, link);
			return;
		}
		const profile = profileOf(user, this.#options.directory);
		const created = await this.#client.send("POST", "/Users", createBody(user, profile));
		if (created.status === 409) this.#client.fail("Conflict", created);
		if (created.status === 201 && !created.body) {
			throw new IdpCheckFailure("Create new user returned empty user", "201 without a body", created);
		}
		const resource = checkCreated(created, "Create new user returned empty user");
		checkOktaUser(resource, created);
		this.userLinks.set(user.id, { rosterId: resource.id, active: true, exported: JSON.stringify(profile) });
	}

	async #get(link: UserLink): Promise<JsonObject> {
		const exchange = await this.#client.send("GET", `/Users/${link.rosterId}`);
		if (exchange.status === 404)
			this.#client.fail(
				"Automatic provisioning of user to app failed: profile updates have errors",
				exchange,
			);
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "GET must answer 200", exchange);
		checkOktaUser(exchange.body, exchange);
		return exchange.body;
	}

	/** Okta's profile update: a GET, then the full PUT {@link putBody} builds from it. */
	async #put(user: DirectoryUser, link: UserLink, active: boolean): Promise<void> {
		const last = await this.#get(link);
		const profile = profileOf(user, this.#options.directory);
		const exchange = await this.#client.send(
			"PUT",
			`/Users/${link.rosterId}`,
			putBody(last, profile, active),
		);
		if (exchange.status === 404)
			this.#client.fail(
				"Automatic provisioning of user to app failed: profile updates have errors",
				exchange,
			);
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "PUT must answer 200 + user", exchange);
		checkOktaUser(exchange.body, exchange);
		link.active = active;
		link.exported = JSON.stringify(profile);
	}

	async #update(user: DirectoryUser, link: UserLink): Promise<void> {
		this.#client.describe("Push user profile update to app");
		await this.#put(user, link, link.active);
	}

	async #setActive(link: UserLink, active: boolean): Promise<void> {
		const exchange = await this.#client.send("PATCH", `/Users/${link.rosterId}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", value: { active } }],
		});
		if (exchange.status === 404) this.#client.fail("Deactivation failed", exchange);
		const body = checkPatchAnswer(exchange, "Invalid response");
		if (body) {
			checkOktaUser(body, exchange);
			if (body.active !== active)
				throw new IdpCheckFailure("Invalid response", `active is not ${active}`, exchange);
		}
		link.active = active;
	}

	async #deactivate(link: UserLink): Promise<void> {
		this.#client.describe("Deactivate user in app");
		if (this.#options.app === "oin") return this.#setActive(link, false);
		const directoryId = [...this.userLinks].find(([, candidate]) => candidate === link)?.[0];
		const user = directoryId ? this.#options.directory.users.get(directoryId) : undefined;
		if (user) return this.#put(user, link, false);
		const last = await this.#get(link);
		const exchange = await this.#client.send("PUT", `/Users/${link.rosterId}`, { ...last, active: false });
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "PUT must answer 200 + user", exchange);
		checkOktaUser(exchange.body, exchange);
		link.active = false;
	}

	async #reactivate(user: DirectoryUser, link: UserLink): Promise<void> {
		this.#client.describe("Reactivate user in app");
		if (this.#options.app === "oin") return this.#setActive(link, true);
		const found = await this.#lookup(user);
		if (found?.id !== link.rosterId)
			throw new IdpCheckFailure("Lookup failed", "the lookup lost the deactivated user");
		await this.#put(user, link, true);
	}
}
