import { randomUUID } from "node:crypto";
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
import { DAY, type FakeClock, MINUTE } from "./clock.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import { type Exchange, encodeFilter, type FetchLike, type JsonObject, ScimHttp } from "./http.ts";

/** Entra's provisioning-log code for an answer it cannot use. */
export const INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const AD_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
const WORK_EMAIL = 'emails[type eq "work"].value';
const MANAGER = `${ENTERPRISE}:manager`;
const CYCLE_INTERVAL = 40 * MINUTE;
const SOFT_DELETE_RETENTION = 30 * DAY;

/** A recorded (not thrown) outcome, as Entra's provisioning log keeps it: `EntryConflict`, `InvalidAnchor`, … */
export interface ProvisioningEvent {
	code: "EntryConflict" | "InvalidAnchor" | "Unauthorized" | "TooManyRequests";
	objectId: string;
	detail: string;
	at: number;
}

type Value = string | boolean | JsonObject[];
type Op = { op: string; path?: string; value?: unknown };

interface UserAnchor {
	rosterId: string;
	exported: Map<string, Value>;
	manager: string | undefined;
	lost: boolean;
}

interface GroupAnchor {
	rosterId: string;
	displayName: string;
	members: Set<string>;
	lost: boolean;
}

export interface EntraTenantOptions {
	/** `true` for a Tenant URL carrying `aadOptscim062020` (the `entra-flag` profile). */
	flag: boolean;
	directory: Directory;
	clock: FakeClock;
	/** The SCIM base URL without the flag's query string. */
	baseUrl: string;
	token: string;
	fetch: FetchLike;
	membersPerOperation?: number;
	operationsPerRequest?: number;
}

function chunk<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

function same(a: Value | undefined, b: Value | undefined): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Entra's default attribute mappings for a non-gallery SCIM app (entra.md §5), in the order it sends them. */
function mapUser(user: DirectoryUser, active: boolean): Map<string, Value> {
	const mapped = new Map<string, Value>();
	const put = (path: string, value: Value | undefined) => {
		if (value !== undefined) mapped.set(path, value);
	};
	put("userName", user.userPrincipalName);
	put("active", active);
	put("displayName", user.displayName);
	put("title", user.jobTitle);
	put(WORK_EMAIL, user.mail);
	put("name.givenName", user.givenName);
	put("name.familyName", user.surname);
	put("externalId", user.mailNickname);
	put(`${ENTERPRISE}:employeeNumber`, user.employeeId);
	put(`${ENTERPRISE}:department`, user.department);
	if (user.roles.length > 0) {
		put(
			"roles",
			user.roles.map((value) => ({
				primary: false,
				type: "WindowsAzureActiveDirectoryRole",
				display: value,
				value,
			})),
		);
	}
	return mapped;
}

function readPath(resource: JsonObject, path: string): Value | undefined {
	if (path === WORK_EMAIL) {
		const emails = Array.isArray(resource.emails) ? (resource.emails as JsonObject[]) : [];
		const work = emails.find((email) => email.type === "work");
		return typeof work?.value === "string" ? work.value : undefined;
	}
	if (path.startsWith(`${ENTERPRISE}:`)) {
		const extension = resource[ENTERPRISE] as JsonObject | undefined;
		const value = extension?.[path.slice(ENTERPRISE.length + 1)];
		return typeof value === "string" ? value : undefined;
	}
	if (path.startsWith("name.")) {
		const value = (resource.name as JsonObject | undefined)?.[path.slice(5)];
		return typeof value === "string" ? value : undefined;
	}
	const value = resource[path];
	if (typeof value === "string" || typeof value === "boolean") return value;
	return Array.isArray(value) ? (value as JsonObject[]) : undefined;
}

/**
 * A Microsoft Entra ID provisioning job against one SCIM app (entra.md): initial and incremental cycles
 * over the directory, the id cache (`InvalidAnchor` on a later 404), and the request shapes of the legacy
 * service (`entra`) or of `aadOptscim062020` (`entra-flag`). Every answer is checked as Entra checks it;
 * an answer Entra cannot use throws an {@link IdpCheckFailure} named by Entra's error code.
 */
export class EntraTenant {
	readonly http: ScimHttp;
	readonly log: ProvisioningEvent[] = [];
	readonly userAnchors = new Map<string, UserAnchor>();
	readonly groupAnchors = new Map<string, GroupAnchor>();
	readonly #options: Required<EntraTenantOptions>;

	constructor(options: EntraTenantOptions) {
		this.#options = { membersPerOperation: 5, operationsPerRequest: 2, ...options };
		this.http = new ScimHttp({
			baseUrl: options.baseUrl,
			token: options.token,
			fetch: options.fetch,
			headers: (_method, hasBody) =>
				hasBody ? { "Content-Type": "application/scim+json; charset=utf-8" } : ({} as Record<string, string>),
			...(options.flag ? { extraQuery: "aadOptscim062020" } : {}),
		});
	}

	/** Roster's id for a directory user, once Entra has created or matched it. */
	rosterUserId(directoryId: string): string | undefined {
		return this.userAnchors.get(directoryId)?.rosterId;
	}

	rosterGroupId(directoryId: string): string | undefined {
		return this.groupAnchors.get(directoryId)?.rosterId;
	}

	/** "Test Connection": a lookup of a random userName must answer 200 with an empty ListResponse. */
	async testConnection(): Promise<void> {
		const guid = randomUUID();
		const users = await this.#send("GET", `/Users?filter=${this.#filter(`userName eq "${guid}"`)}`);
		if (checkListResponse(users, INCOMPATIBLE).totalResults !== 0) {
			throw new IdpCheckFailure(INCOMPATIBLE, "a random userName matched", users);
		}
		const user = await this.#send("GET", `/Users/${randomUUID()}`);
		if (user.status !== 404) throw new IdpCheckFailure(INCOMPATIBLE, "a random user id must be 404", user);
		const groups = await this.#send(
			"GET",
			`/Groups?excludedAttributes=members&filter=${this.#filter(`displayName eq "${guid}"`)}`,
		);
		if (checkListResponse(groups, INCOMPATIBLE).totalResults !== 0) {
			throw new IdpCheckFailure(INCOMPATIBLE, "a random displayName matched", groups);
		}
	}

	/** One provisioning cycle (initial or incremental), then the clock moves to the next one (~40 min). */
	async cycle(): Promise<ProvisioningEvent[]> {
		const first = this.log.length;
		await this.#syncUsers();
		await this.#syncManagers();
		await this.#syncGroups();
		this.#options.clock.advance(CYCLE_INTERVAL);
		return this.log.slice(first);
	}

	#filter(expression: string): string {
		return encodeFilter(expression, this.#options.flag ? "%20" : "+");
	}

	#op(name: "add" | "replace" | "remove"): string {
		return this.#options.flag ? name : `${name[0]?.toUpperCase()}${name.slice(1)}`;
	}

	#record(code: ProvisioningEvent["code"], objectId: string, exchange: Exchange): void {
		this.log.push({
			code,
			objectId,
			detail: `${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`,
			at: this.#options.clock.now(),
		});
	}

	async #send(method: string, path: string, body?: unknown, objectId = ""): Promise<Exchange> {
		for (let attempt = 1; ; attempt++) {
			const exchange = await this.http.send(method, path, body);
			if (exchange.status === 429 && attempt < 5) {
				this.#record("TooManyRequests", objectId, exchange);
				await this.#options.clock.sleep((retryAfterSeconds(exchange) ?? 60) * 1000);
				continue;
			}
			if (exchange.status >= 500) throw new IdpCheckFailure("ServerError", "5xx answer", exchange);
			if (exchange.status === 401 || exchange.status === 403)
				this.#record("Unauthorized", objectId, exchange);
			return exchange;
		}
	}

	#checkUser(resource: JsonObject, exchange: Exchange): void {
		checkManagerShape(resource, INCOMPATIBLE, exchange);
		checkActiveBoolean(resource, INCOMPATIBLE, exchange);
	}

	/** Sends a PATCH to a cached id; `false` when the anchor turned out to be gone (recorded). */
	async #patch(
		kind: "Users" | "Groups",
		anchor: { rosterId: string; lost: boolean },
		objectId: string,
		ops: Op[],
	) {
		const exchange = await this.#send(
			"PATCH",
			`/${kind}/${anchor.rosterId}`,
			{ schemas: [PATCH_OP], Operations: ops },
			objectId,
		);
		if (exchange.status === 404) {
			anchor.lost = true;
			this.#record("InvalidAnchor", objectId, exchange);
			return false;
		}
		if (exchange.status === 401 || exchange.status === 403) return false;
		const body = checkPatchAnswer(exchange, INCOMPATIBLE);
		if (body && kind === "Users") this.#checkUser(body, exchange);
		return true;
	}

	async #delete(kind: "Users" | "Groups", anchor: { rosterId: string; lost: boolean }, objectId: string) {
		const exchange = await this.#send("DELETE", `/${kind}/${anchor.rosterId}`, undefined, objectId);
		if (exchange.status === 404) {
			anchor.lost = true;
			this.#record("InvalidAnchor", objectId, exchange);
		} else if (
			exchange.status !== 204 &&
			exchange.status !== 200 &&
			exchange.status !== 401 &&
			exchange.status !== 403
		) {
			throw new IdpCheckFailure(INCOMPATIBLE, "DELETE must answer 204", exchange);
		}
	}

	#userOps(changes: [string, Value][], previous: Map<string, Value>): Op[] {
		const wire = (path: string, value: Value): unknown =>
			path === "active" && !this.#options.flag ? (value ? "True" : "False") : value;
		const single = ([path, value]: [string, Value]): Op => ({
			op: this.#op(previous.has(path) ? "replace" : "add"),
			path,
			value: wire(path, value),
		});
		if (!this.#options.flag || changes.length === 1) return changes.map(single);
		const filtered = changes.filter(([path]) => path.includes("[") || path === "roles");
		const plain = changes.filter(([path]) => !path.includes("[") && path !== "roles");
		const ops = filtered.map(single);
		if (plain.length > 0) ops.push({ op: "replace", value: Object.fromEntries(plain) });
		return ops;
	}

	async #syncUsers(): Promise<void> {
		const { directory, clock } = this.#options;
		for (const [directoryId, anchor] of [...this.userAnchors]) {
			if (anchor.lost) continue;
			const user = directory.users.get(directoryId);
			const expired =
				user?.softDeletedAt !== undefined && clock.now() - user.softDeletedAt >= SOFT_DELETE_RETENTION;
			if (!user || expired) {
				await this.#delete("Users", anchor, directoryId);
				this.userAnchors.delete(directoryId);
				for (const group of this.groupAnchors.values()) group.members.delete(anchor.rosterId);
				continue;
			}
			await this.#exportDifferences(user, anchor);
		}
		for (const user of directory.users.values()) {
			if (this.userAnchors.has(user.id) || !directory.isActiveInScope(user.id)) continue;
			await this.#createOrMatch(user);
		}
	}

	async #exportDifferences(user: DirectoryUser, anchor: UserAnchor): Promise<void> {
		const desired = mapUser(user, this.#options.directory.isActiveInScope(user.id));
		const changes = [...desired].filter(([path, value]) => !same(anchor.exported.get(path), value));
		if (changes.length === 0) return;
		if (await this.#patch("Users", anchor, user.id, this.#userOps(changes, anchor.exported))) {
			for (const [path, value] of changes) anchor.exported.set(path, value);
		}
	}

	async #createOrMatch(user: DirectoryUser): Promise<void> {
		const lookup = await this.#send(
			"GET",
			`/Users?filter=${this.#filter(`userName eq "${user.userPrincipalName}"`)}`,
			undefined,
			user.id,
		);
		if (lookup.status === 401 || lookup.status === 403) return;
		const { resources } = checkListResponse(lookup, INCOMPATIBLE);
		if (resources.length > 1)
			throw new IdpCheckFailure("DuplicateTargetEntries", "more than one match", lookup);
		const found = resources[0];
		if (found) {
			this.#checkUser(found, lookup);
			if (typeof found.id !== "string")
				throw new IdpCheckFailure(INCOMPATIBLE, "the match has no id", lookup);
			const exported = new Map<string, Value>();
			for (const path of mapUser(user, true).keys()) {
				const value = readPath(found, path);
				if (value !== undefined) exported.set(path, value);
			}
			const anchor: UserAnchor = { rosterId: found.id, exported, manager: undefined, lost: false };
			this.userAnchors.set(user.id, anchor);
			await this.#exportDifferences(user, anchor);
			return;
		}
		const created = await this.#send("POST", "/Users", this.#userBody(user), user.id);
		if (created.status === 409) {
			this.#record("EntryConflict", user.id, created);
			return;
		}
		if (created.status === 401 || created.status === 403) return;
		const resource = checkCreated(created, INCOMPATIBLE);
		this.#checkUser(resource, created);
		this.userAnchors.set(user.id, {
			rosterId: resource.id,
			exported: mapUser(user, true),
			manager: undefined,
			lost: false,
		});
	}

	#userBody(user: DirectoryUser): JsonObject {
		const enterprise: JsonObject = {};
		if (user.employeeId !== undefined) enterprise.employeeNumber = user.employeeId;
		if (user.department !== undefined) enterprise.department = user.department;
		return {
			schemas: [USER_SCHEMA, ENTERPRISE],
			externalId: user.mailNickname,
			userName: user.userPrincipalName,
			active: true,
			emails: [{ primary: true, type: "work", value: user.mail }],
			meta: { resourceType: "User" },
			name: {
				formatted: `${user.givenName} ${user.surname}`,
				familyName: user.surname,
				givenName: user.givenName,
			},
			displayName: user.displayName,
			...(user.jobTitle !== undefined ? { title: user.jobTitle } : {}),
			roles: mapUser(user, true).get("roles") ?? [],
			...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
		};
	}

	/** The manager reference, sent once the manager exists in Roster (a later PATCH, never in the POST). */
	async #syncManagers(): Promise<void> {
		for (const [directoryId, anchor] of this.userAnchors) {
			const user = this.#options.directory.users.get(directoryId);
			if (!user || anchor.lost) continue;
			const managerAnchor = user.managerId ? this.userAnchors.get(user.managerId) : undefined;
			const desired = managerAnchor && !managerAnchor.lost ? managerAnchor.rosterId : undefined;
			if (desired === anchor.manager) continue;
			if (desired === undefined && user.managerId !== undefined) continue;
			const op: Op =
				desired !== undefined
					? { op: this.#op("add"), path: MANAGER, value: desired }
					: { op: this.#op("remove"), path: `manager[value eq "${anchor.manager}"]` };
			if (await this.#patch("Users", anchor, directoryId, [op])) anchor.manager = desired;
		}
	}

	async #syncGroups(): Promise<void> {
		const { directory } = this.#options;
		for (const [directoryId, anchor] of [...this.groupAnchors]) {
			if (anchor.lost) continue;
			const group = directory.groups.get(directoryId);
			if (!group || !directory.assignedGroups.has(directoryId)) {
				await this.#delete("Groups", anchor, directoryId);
				this.groupAnchors.delete(directoryId);
				continue;
			}
			if (group.displayName !== anchor.displayName) {
				const ops = [{ op: this.#op("replace"), path: "displayName", value: group.displayName }];
				if (!(await this.#patch("Groups", anchor, directoryId, ops))) continue;
				anchor.displayName = group.displayName;
			}
			await this.#syncMembers(directoryId, anchor);
		}
		for (const directoryId of directory.assignedGroups) {
			if (!this.groupAnchors.has(directoryId)) await this.#createOrMatchGroup(directoryId);
		}
	}

	async #createOrMatchGroup(directoryId: string): Promise<void> {
		const group = this.#options.directory.group(directoryId);
		const lookup = await this.#send(
			"GET",
			`/Groups?excludedAttributes=members&filter=${this.#filter(`displayName eq "${group.displayName}"`)}`,
			undefined,
			directoryId,
		);
		if (lookup.status === 401 || lookup.status === 403) return;
		const { resources } = checkListResponse(lookup, INCOMPATIBLE);
		if (resources.length > 1)
			throw new IdpCheckFailure("DuplicateTargetEntries", "more than one match", lookup);
		if (resources.some((resource) => "members" in resource)) {
			throw new IdpCheckFailure(
				"SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
				"excluded members came back",
				lookup,
			);
		}
		const match = resources[0]?.id;
		let rosterId = typeof match === "string" ? match : undefined;
		if (rosterId === undefined) {
			const created = await this.#send(
				"POST",
				"/Groups",
				{
					schemas: [GROUP_SCHEMA, AD_GROUP_SCHEMA],
					externalId: directoryId,
					displayName: group.displayName,
					meta: { resourceType: "Group" },
				},
				directoryId,
			);
			if (created.status === 409) {
				this.#record("EntryConflict", directoryId, created);
				return;
			}
			if (created.status === 401 || created.status === 403) return;
			const resource = checkCreated(created, INCOMPATIBLE);
			if ("members" in resource && !Array.isArray(resource.members)) {
				throw new IdpCheckFailure(INCOMPATIBLE, "members is not an array", created);
			}
			rosterId = resource.id;
		}
		const anchor: GroupAnchor = { rosterId, displayName: group.displayName, members: new Set(), lost: false };
		this.groupAnchors.set(directoryId, anchor);
		await this.#syncMembers(directoryId, anchor);
	}

	async #syncMembers(directoryId: string, anchor: GroupAnchor): Promise<void> {
		const { membersPerOperation, operationsPerRequest } = this.#options;
		const desired = new Set<string>();
		for (const userId of this.#options.directory.group(directoryId).members) {
			const member = this.userAnchors.get(userId);
			if (member && !member.lost) desired.add(member.rosterId);
		}
		const removals = [...anchor.members].filter((id) => !desired.has(id));
		const additions = [...desired].filter((id) => !anchor.members.has(id));
		const memberOps = (op: "add" | "remove", ids: string[]): Op[] =>
			chunk(ids, membersPerOperation).map((batch) => ({
				op: this.#op(op),
				path: "members",
				value: batch.map((value) => ({ $ref: null, value })),
			}));
		const removalOps: Op[] = this.#options.flag
			? removals.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` }))
			: memberOps("remove", removals);
		const perRequest = this.#options.flag ? membersPerOperation * operationsPerRequest : operationsPerRequest;
		for (const ops of chunk(removalOps, perRequest)) {
			if (!(await this.#patch("Groups", anchor, directoryId, ops))) return;
		}
		for (const id of removals) anchor.members.delete(id);
		for (const ops of chunk(memberOps("add", additions), operationsPerRequest)) {
			if (!(await this.#patch("Groups", anchor, directoryId, ops))) return;
			for (const op of ops)
				for (const item of op.value as { value: string }[]) anchor.members.add(item.value);
		}
	}
}
