import { randomBytes } from "node:crypto";
import {
	checkActiveBoolean,
	checkCreated,
	checkListResponse,
	checkManagerShape,
	checkPatchAnswer,
	ENTERPRISE,
	IdpCheckFailure,
	retryAfterSeconds,
} from "./checks.ts";
import { type FakeClock, MINUTE } from "./clock.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import { type Exchange, encodeFilter, type FetchLike, type JsonObject, ScimHttp } from "./http.ts";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const OKTA_USER_AGENT = "Okta SCIM Client 1.0.0";
/** Okta's 429 policy (okta.md §4): a missing or non-integer Retry-After means 5 minutes; 10 attempts in all. */
export const OKTA_DEFAULT_RETRY_MS = 5 * MINUTE;
export const OKTA_MAX_ATTEMPTS = 10;
const PAGE = 100;

/** A task that ended in Okta's Tasks list instead of completing. */
export interface FailedTask {
	task: string;
	objectId: string;
	reason: string;
}

interface UserLink {
	rosterId: string;
	active: boolean;
	exported: string;
}

interface GroupLink {
	rosterId: string;
	displayName: string;
	members: Set<string>;
}

export interface OktaTenantOptions {
	/** `oin`: catalog app (PATCH for (de)activation and groups); `aiw`: wizard app (PUT for everything). */
	app: "oin" | "aiw";
	directory: Directory;
	clock: FakeClock;
	baseUrl: string;
	token: string;
	fetch: FetchLike;
	/** "Delete the group in the target app" when a pushed group is unlinked. */
	deleteUnlinkedGroups?: boolean;
}

class TaskFailed extends Error {}

/** Okta's profile mapping (okta.md §5), as a comparable fingerprint and as SCIM attributes. */
function profileOf(user: DirectoryUser, directory: Directory): JsonObject {
	const manager = user.managerId ? directory.users.get(user.managerId) : undefined;
	const enterprise: JsonObject = {};
	if (user.employeeId !== undefined) enterprise.employeeNumber = user.employeeId;
	if (user.department !== undefined) enterprise.department = user.department;
	if (manager) enterprise.manager = { value: manager.id, displayName: manager.displayName };
	return {
		userName: user.userPrincipalName,
		name: { givenName: user.givenName, familyName: user.surname },
		email: user.mail,
		displayName: user.displayName,
		...(user.jobTitle !== undefined ? { title: user.jobTitle } : {}),
		...(user.locale !== undefined ? { locale: user.locale } : {}),
		...(user.roles.length > 0 ? { roles: [...user.roles] } : {}),
		...(user.entitlements.length > 0 ? { entitlements: [...user.entitlements] } : {}),
		...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
	};
}

/**
 * An Okta org with one SCIM app (okta.md), OIN or AIW flavour. Okta is event-driven: `sync()` sends the
 * tasks that the directory changes since the last sync cause, in order, at once. Profile updates are a
 * GET followed by a full PUT built from that GET; users are never deleted. 429s follow Okta's back-off on
 * the fake clock. Answers Okta cannot use throw an {@link IdpCheckFailure}; failed tasks are recorded.
 */
export class OktaTenant {
	readonly http: ScimHttp;
	readonly failedTasks: FailedTask[] = [];
	readonly userLinks = new Map<string, UserLink>();
	readonly groupLinks = new Map<string, GroupLink>();
	readonly #options: OktaTenantOptions;

	constructor(options: OktaTenantOptions) {
		this.#options = options;
		this.http = new ScimHttp({
			baseUrl: options.baseUrl,
			token: options.token,
			fetch: options.fetch,
			headers: (_method, hasBody) => ({
				"User-Agent": OKTA_USER_AGENT,
				Accept: "application/scim+json",
				...(hasBody ? { "Content-Type": "application/scim+json; charset=utf-8" } : {}),
			}),
		});
	}

	rosterUserId(directoryId: string): string | undefined {
		return this.userLinks.get(directoryId)?.rosterId;
	}

	rosterGroupId(directoryId: string): string | undefined {
		return this.groupLinks.get(directoryId)?.rosterId;
	}

	/** "Test API Credentials", then saving "To App" settings. */
	async testConnector(): Promise<void> {
		const users = await this.#send("GET", "/Users?startIndex=1&count=2");
		const { resources } = checkListResponse(users, "Test connector failed");
		if (resources.length > 2)
			throw new IdpCheckFailure("Test connector failed", "count=2 not honoured", users);
		for (const resource of resources) this.#checkUser(resource, users);
		checkListResponse(await this.#send("GET", `/Groups?startIndex=1&count=${PAGE}`), "Test connector failed");
	}

	/** Sends every task the directory changes cause (assignment, profile edit, deactivation, Group Push). */
	async sync(): Promise<FailedTask[]> {
		const first = this.failedTasks.length;
		const { directory } = this.#options;
		for (const user of directory.users.values())
			await this.#task("user", user.id, () => this.#syncUser(user));
		for (const [directoryId, link] of this.userLinks) {
			if (!directory.users.has(directoryId) && link.active) {
				await this.#task("deactivate", directoryId, () => this.#deactivate(link));
			}
		}
		for (const [directoryId, link] of [...this.groupLinks]) {
			if (!directory.pushedGroups.has(directoryId) || !directory.groups.has(directoryId)) {
				await this.#task("unlink group", directoryId, () => this.#unlinkGroup(directoryId, link));
			}
		}
		for (const directoryId of directory.pushedGroups) {
			await this.#task("group push", directoryId, () => this.#pushGroup(directoryId));
		}
		return this.failedTasks.slice(first);
	}

	/** "Push Now": re-sends a pushed group's full membership. */
	async pushNow(directoryId: string): Promise<void> {
		const link = this.groupLinks.get(directoryId);
		if (!link) throw new Error(`group ${directoryId} is not pushed`);
		await this.#task("push now", directoryId, async () => {
			const members = this.#desiredMembers(directoryId);
			if (this.#options.app === "oin") {
				await this.#patchGroup(link, [
					{ op: "replace", path: "members", value: members.map(([value, display]) => ({ value, display })) },
				]);
			} else {
				await this.#putGroup(link, this.#options.directory.group(directoryId).displayName, members);
			}
			link.members = new Set(members.map(([id]) => id));
		});
	}

	/** "Import Now": pages through `/Users` or `/Groups` with `count=100`, checking that paging is exact. */
	async importAll(kind: "Users" | "Groups"): Promise<JsonObject[]> {
		const seen = new Map<string, JsonObject>();
		let total = Number.POSITIVE_INFINITY;
		for (let startIndex = 1; startIndex <= total; startIndex += PAGE) {
			const page = await this.#send("GET", `/${kind}?startIndex=${startIndex}&count=${PAGE}`);
			const list = checkListResponse(page, "Import failed");
			if (page.body?.startIndex !== startIndex)
				throw new IdpCheckFailure("Import failed", "startIndex not echoed", page);
			total = list.totalResults;
			if (list.resources.length === 0 && startIndex <= total) {
				throw new IdpCheckFailure("Import failed", "an empty page before totalResults", page);
			}
			for (const resource of list.resources) {
				if (kind === "Users") this.#checkUser(resource, page);
				const id = resource.id;
				if (typeof id !== "string" || seen.has(id)) {
					throw new IdpCheckFailure("Import failed", "a resource repeated across pages", page);
				}
				seen.set(id, resource);
			}
		}
		if (seen.size !== total) throw new IdpCheckFailure("Import failed", `imported ${seen.size} of ${total}`);
		return [...seen.values()];
	}

	async #task(task: string, objectId: string, work: () => Promise<void>): Promise<void> {
		try {
			await work();
		} catch (error) {
			if (!(error instanceof TaskFailed)) throw error;
			this.failedTasks.push({ task, objectId, reason: error.message });
		}
	}

	#fail(reason: string, exchange: Exchange): never {
		throw new TaskFailed(
			`${reason}: ${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`,
		);
	}

	/**
	 * One request under Okta's 429 policy: an integer `Retry-After` is honoured, anything else waits 5 min,
	 * each wait at least doubles the previous one, and the task fails after 10 attempts.
	 */
	async #send(method: string, path: string, body?: unknown): Promise<Exchange> {
		let wait = 0;
		for (let attempt = 1; ; attempt++) {
			const exchange = await this.http.send(method, path, body);
			if (exchange.status >= 500) throw new IdpCheckFailure("ServerError", "5xx answer", exchange);
			if (exchange.status !== 429) return exchange;
			if (attempt >= OKTA_MAX_ATTEMPTS)
				this.#fail(`Rate limit: gave up after ${OKTA_MAX_ATTEMPTS} attempts`, exchange);
			const advised = retryAfterSeconds(exchange);
			const base = advised === undefined ? OKTA_DEFAULT_RETRY_MS : advised * 1000;
			wait = Math.max(base, wait * 2);
			await this.#options.clock.sleep(wait);
		}
	}

	#checkUser(resource: JsonObject, exchange: Exchange): void {
		checkManagerShape(resource, "Invalid value data type", exchange);
		checkActiveBoolean(resource, "Invalid value data type", exchange);
		for (const key of ["roles", "entitlements"]) {
			const values = resource[key];
			if (values === undefined) continue;
			if (!Array.isArray(values) || values.some((value) => typeof value !== "string")) {
				throw new IdpCheckFailure("Invalid value data type", `${key} must be an array of strings`, exchange);
			}
		}
		if ("password" in resource)
			throw new IdpCheckFailure("Password returned", "password must never come back", exchange);
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
		const lookup = await this.#send("GET", `/Users?filter=${filter}&startIndex=1&count=${PAGE}`);
		const { resources } = checkListResponse(lookup, "Lookup failed");
		if (resources.length > 1)
			throw new IdpCheckFailure("MultipleUsersFound", "the lookup matched more than one", lookup);
		if (resources[0]) this.#checkUser(resources[0], lookup);
		return resources[0];
	}

	async #create(user: DirectoryUser): Promise<void> {
		const found = await this.#lookup(user);
		if (found && typeof found.id === "string") {
			const link: UserLink = { rosterId: found.id, active: found.active === true, exported: "" };
			this.userLinks.set(user.id, link);
			if (!link.active) await this.#reactivate(user, link);
			await this.#update(user, link);
			return;
		}
		const profile = profileOf(user, this.#options.directory);
		const { email, ...attributes } = profile;
		const body: JsonObject = {
			schemas: ENTERPRISE in profile ? [USER_SCHEMA, ENTERPRISE] : [USER_SCHEMA],
			...attributes,
			emails: [{ primary: true, value: email, type: "work" }],
			externalId: user.id,
			groups: [],
			password: randomBytes(6).toString("base64url"),
			active: true,
		};
		const created = await this.#send("POST", "/Users", body);
		if (created.status === 409) this.#fail("Conflict", created);
		if (created.status === 201 && !created.body) {
			throw new IdpCheckFailure("Create new user returned empty user", "201 without a body", created);
		}
		const resource = checkCreated(created, "Create new user returned empty user");
		this.#checkUser(resource, created);
		this.userLinks.set(user.id, { rosterId: resource.id, active: true, exported: JSON.stringify(profile) });
	}

	async #get(link: UserLink): Promise<JsonObject> {
		const exchange = await this.#send("GET", `/Users/${link.rosterId}`);
		if (exchange.status === 404)
			this.#fail("Automatic provisioning of user to app failed: profile updates have errors", exchange);
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "GET must answer 200", exchange);
		this.#checkUser(exchange.body, exchange);
		return exchange.body;
	}

	/** A full PUT built from Roster's last GET answer plus Okta's mapped values. */
	async #put(user: DirectoryUser, link: UserLink, active: boolean): Promise<void> {
		const last = await this.#get(link);
		const profile = profileOf(user, this.#options.directory);
		const { email, name, [ENTERPRISE]: enterprise, ...attributes } = profile;
		const emails = Array.isArray(last.emails)
			? (last.emails as JsonObject[]).map((item) => ({ ...item }))
			: [];
		const primary = emails.find((item) => item.primary === true) ?? emails[0];
		if (primary) primary.value = email;
		else emails.push({ primary: true, value: email, type: "work" });
		const schemas = Array.isArray(last.schemas) ? [...(last.schemas as string[])] : [USER_SCHEMA];
		if (enterprise && !schemas.includes(ENTERPRISE)) schemas.push(ENTERPRISE);
		const body: JsonObject = {
			...last,
			...attributes,
			schemas,
			name: { ...(last.name as JsonObject | undefined), ...(name as JsonObject) },
			emails,
			active,
			...(enterprise
				? { [ENTERPRISE]: { ...(last[ENTERPRISE] as JsonObject | undefined), ...(enterprise as JsonObject) } }
				: {}),
		};
		const exchange = await this.#send("PUT", `/Users/${link.rosterId}`, body);
		if (exchange.status === 404)
			this.#fail("Automatic provisioning of user to app failed: profile updates have errors", exchange);
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "PUT must answer 200 + user", exchange);
		this.#checkUser(exchange.body, exchange);
		link.active = active;
		link.exported = JSON.stringify(profile);
	}

	async #update(user: DirectoryUser, link: UserLink): Promise<void> {
		await this.#put(user, link, link.active);
	}

	async #setActive(link: UserLink, active: boolean): Promise<void> {
		const exchange = await this.#send("PATCH", `/Users/${link.rosterId}`, {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", value: { active } }],
		});
		if (exchange.status === 404) this.#fail("Deactivation failed", exchange);
		const body = checkPatchAnswer(exchange, "Invalid response");
		if (body) {
			this.#checkUser(body, exchange);
			if (body.active !== active)
				throw new IdpCheckFailure("Invalid response", `active is not ${active}`, exchange);
		}
		link.active = active;
	}

	async #deactivate(link: UserLink): Promise<void> {
		if (this.#options.app === "oin") return this.#setActive(link, false);
		const directoryId = [...this.userLinks].find(([, candidate]) => candidate === link)?.[0];
		const user = directoryId ? this.#options.directory.users.get(directoryId) : undefined;
		if (user) return this.#put(user, link, false);
		const last = await this.#get(link);
		const exchange = await this.#send("PUT", `/Users/${link.rosterId}`, { ...last, active: false });
		if (exchange.status !== 200 || !exchange.body)
			throw new IdpCheckFailure("Invalid response", "PUT must answer 200 + user", exchange);
		this.#checkUser(exchange.body, exchange);
		link.active = false;
	}

	async #reactivate(user: DirectoryUser, link: UserLink): Promise<void> {
		if (this.#options.app === "oin") return this.#setActive(link, true);
		const found = await this.#lookup(user);
		if (found?.id !== link.rosterId)
			throw new IdpCheckFailure("Lookup failed", "the lookup lost the deactivated user");
		await this.#put(user, link, true);
	}

	#desiredMembers(directoryId: string): [string, string][] {
		const members: [string, string][] = [];
		for (const userId of this.#options.directory.group(directoryId).members) {
			const link = this.userLinks.get(userId);
			const user = this.#options.directory.users.get(userId);
			if (link && user) members.push([link.rosterId, user.userPrincipalName]);
		}
		return members;
	}

	async #patchGroup(link: GroupLink, operations: JsonObject[]): Promise<void> {
		const exchange = await this.#send("PATCH", `/Groups/${link.rosterId}`, {
			schemas: [PATCH_OP],
			Operations: operations,
		});
		if (exchange.status === 404) this.#fail("Push group failed", exchange);
		checkPatchAnswer(exchange, "Invalid response");
	}

	async #putGroup(link: GroupLink, displayName: string, members: [string, string][]): Promise<void> {
		const got = await this.#send("GET", `/Groups/${link.rosterId}`);
		if (got.status === 404) this.#fail("Push group failed", got);
		if (got.status !== 200 || !got.body)
			throw new IdpCheckFailure("Invalid response", "GET group must answer 200", got);
		const put = await this.#send("PUT", `/Groups/${link.rosterId}`, {
			...got.body,
			displayName,
			members: members.map(([value, display]) => ({ value, display })),
		});
		if (put.status !== 200 || !put.body)
			throw new IdpCheckFailure("Invalid response", "PUT group must answer 200 + group", put);
		link.displayName = displayName;
	}

	async #pushGroup(directoryId: string): Promise<void> {
		const group = this.#options.directory.group(directoryId);
		const members = this.#desiredMembers(directoryId);
		let link = this.groupLinks.get(directoryId);
		if (!link) {
			link = await this.#linkGroup(directoryId, group.displayName, members);
			if (!link) return;
		}
		const wanted = new Set(members.map(([id]) => id));
		const removed = [...link.members].filter((id) => !wanted.has(id));
		const added = members.filter(([id]) => !link.members.has(id));
		if (removed.length === 0 && added.length === 0 && link.displayName === group.displayName) return;
		if (this.#options.app === "aiw") {
			await this.#putGroup(link, group.displayName, members);
		} else {
			await this.#patchGroup(link, [
				{ op: "replace", value: { id: link.rosterId, displayName: group.displayName } },
			]);
			link.displayName = group.displayName;
			if (removed.length > 0 || added.length > 0) {
				await this.#patchGroup(link, [
					...removed.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` })),
					...(added.length > 0
						? [{ op: "add", path: "members", value: added.map(([value, display]) => ({ value, display })) }]
						: []),
				]);
			}
		}
		link.members = wanted;
	}

	async #linkGroup(
		directoryId: string,
		displayName: string,
		members: [string, string][],
	): Promise<GroupLink | undefined> {
		const aiw = this.#options.app === "aiw";
		let found: JsonObject | undefined;
		if (aiw) {
			found = (await this.importAll("Groups")).find((group) => group.displayName === displayName);
		} else {
			const filter = encodeFilter(`displayName eq "${displayName}"`, "%20");
			const lookup = await this.#send("GET", `/Groups?filter=${filter}&startIndex=1&count=${PAGE}`);
			const { resources } = checkListResponse(lookup, "Push group failed");
			if (resources.length > 1)
				throw new IdpCheckFailure("MultipleGroupsFound", "the lookup matched more than one", lookup);
			found = resources[0];
		}
		if (found && typeof found.id === "string") {
			const link: GroupLink = { rosterId: found.id, displayName, members: new Set() };
			this.groupLinks.set(directoryId, link);
			return link;
		}
		const body = aiw
			? {
					schemas: [GROUP_SCHEMA],
					displayName,
					members: members.map(([value, display]) => ({ value, display })),
				}
			: { schemas: [GROUP_SCHEMA], displayName, members: [] };
		const created = await this.#send("POST", "/Groups", body);
		if (created.status === 409) this.#fail("Push group failed", created);
		const resource = checkCreated(created, "Push group failed");
		const link: GroupLink = { rosterId: resource.id, displayName, members: new Set() };
		this.groupLinks.set(directoryId, link);
		if (aiw) {
			await this.#putGroup(link, displayName, members);
			link.members = new Set(members.map(([id]) => id));
		}
		return link;
	}

	async #unlinkGroup(directoryId: string, link: GroupLink): Promise<void> {
		this.groupLinks.delete(directoryId);
		if (!this.#options.deleteUnlinkedGroups) return;
		const exchange = await this.#send("DELETE", `/Groups/${link.rosterId}`);
		if (exchange.status !== 204)
			throw new IdpCheckFailure("Invalid response", "DELETE must answer 204", exchange);
	}
}
