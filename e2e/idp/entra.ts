import { randomUUID } from "node:crypto";
import { checkCreated, checkListResponse, IdpCheckFailure } from "./checks.ts";
import { DAY, type FakeClock, MINUTE } from "./clock.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import { type Anchor, EntraClient, INCOMPATIBLE, type ProvisioningEvent } from "./entra-client.ts";
import { EntraGroupSync, type GroupAnchor } from "./entra-groups.ts";
import { MANAGER, mapUser, type Op, readPath, same, userBody, userOps, type Value } from "./entra-mapping.ts";
import type { FetchLike, ScimHttp } from "./http.ts";

export { INCOMPATIBLE, type ProvisioningEvent } from "./entra-client.ts";

const CYCLE_INTERVAL = 40 * MINUTE;
const SOFT_DELETE_RETENTION = 30 * DAY;

interface UserAnchor extends Anchor {
	exported: Map<string, Value>;
	manager: string | undefined;
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

/**
 * A Microsoft Entra ID provisioning job against one SCIM app (entra.md): initial and incremental cycles
 * over the directory, the id cache (`InvalidAnchor` on a later 404), and the request shapes of the legacy
 * service (`entra`) or of `aadOptscim062020` (`entra-flag`). Every answer is checked as Entra checks it;
 * an answer Entra cannot use throws an {@link IdpCheckFailure} named by Entra's error code. The wire and
 * the log are {@link EntraClient}; the group pass is {@link EntraGroupSync}.
 */
export class EntraTenant {
	readonly http: ScimHttp;
	readonly log: ProvisioningEvent[];
	readonly userAnchors = new Map<string, UserAnchor>();
	readonly groupAnchors: Map<string, GroupAnchor>;
	readonly #options: Required<EntraTenantOptions>;
	readonly #client: EntraClient;
	readonly #groups: EntraGroupSync;

	constructor(options: EntraTenantOptions) {
		this.#options = { membersPerOperation: 5, operationsPerRequest: 2, ...options };
		this.#client = new EntraClient(options);
		this.#groups = new EntraGroupSync(this.#client, this.#options, this.userAnchors);
		this.http = this.#client.http;
		this.log = this.#client.log;
		this.groupAnchors = this.#groups.anchors;
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
		const client = this.#client;
		const guid = randomUUID();
		const users = await client.send("GET", `/Users?filter=${client.filter(`userName eq "${guid}"`)}`);
		if (checkListResponse(users, INCOMPATIBLE).totalResults !== 0) {
			throw new IdpCheckFailure(INCOMPATIBLE, "a random userName matched", users);
		}
		const user = await client.send("GET", `/Users/${randomUUID()}`);
		if (user.status !== 404) throw new IdpCheckFailure(INCOMPATIBLE, "a random user id must be 404", user);
		const groups = await client.send(
			"GET",
			`/Groups?excludedAttributes=members&filter=${client.filter(`displayName eq "${guid}"`)}`,
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
		await this.#groups.sync();
		this.#options.clock.advance(CYCLE_INTERVAL);
		return this.log.slice(first);
	}

	async #syncUsers(): Promise<void> {
		const { directory, clock } = this.#options;
		for (const [directoryId, anchor] of [...this.userAnchors]) {
			if (anchor.lost) continue;
			const user = directory.users.get(directoryId);
			const expired =
				user?.softDeletedAt !== undefined && clock.now() - user.softDeletedAt >= SOFT_DELETE_RETENTION;
			if (!user || expired) {
				await this.#client.delete("Users", anchor, directoryId);
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
		const ops = userOps(changes, anchor.exported, this.#options.flag);
		if (await this.#client.patch("Users", anchor, user.id, ops)) {
			for (const [path, value] of changes) anchor.exported.set(path, value);
		}
	}

	async #createOrMatch(user: DirectoryUser): Promise<void> {
		const client = this.#client;
		const lookup = await client.send(
			"GET",
			`/Users?filter=${client.filter(`userName eq "${user.userPrincipalName}"`)}`,
			undefined,
			user.id,
		);
		if (lookup.status === 401 || lookup.status === 403) return;
		const { resources } = checkListResponse(lookup, INCOMPATIBLE);
		if (resources.length > 1)
			throw new IdpCheckFailure("DuplicateTargetEntries", "more than one match", lookup);
		const found = resources[0];
		if (found) {
			client.checkUser(found, lookup);
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
		const created = await client.send("POST", "/Users", userBody(user), user.id);
		if (created.status === 409) {
			client.record("EntryConflict", user.id, created);
			return;
		}
		if (created.status === 401 || created.status === 403) return;
		const resource = checkCreated(created, INCOMPATIBLE);
		client.checkUser(resource, created);
		this.userAnchors.set(user.id, {
			rosterId: resource.id,
			exported: mapUser(user, true),
			manager: undefined,
			lost: false,
		});
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
					? { op: this.#client.op("add"), path: MANAGER, value: desired }
					: { op: this.#client.op("remove"), path: `manager[value eq "${anchor.manager}"]` };
			if (await this.#client.patch("Users", anchor, directoryId, [op])) anchor.manager = desired;
		}
	}
}
