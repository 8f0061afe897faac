import { randomUUID } from "node:crypto";
import { checkCreated, checkListResponse, IdpCheckFailure } from "./checks.ts";
import { type Clock, DAY, MINUTE } from "./clock.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import {
	type Anchor,
	EntraClient,
	EscrowedFailure,
	INCOMPATIBLE,
	type OperationRow,
	type ProvisioningEvent,
	type ProvisioningLogEntry,
} from "./entra-client.ts";
import {
	type EscrowEntry,
	QUARANTINE_DISABLE_AFTER,
	type Quarantine,
	quarantineInterval,
	quarantineReasonOf,
} from "./entra-escrow.ts";
import { EntraGroupSync, type GroupAnchor } from "./entra-groups.ts";
import { MANAGER, mapUser, type Op, readPath, same, userBody, userOps, type Value } from "./entra-mapping.ts";
import type { FetchLike, ScimHttp } from "./http.ts";

export { INCOMPATIBLE, type ProvisioningEvent, type ProvisioningLogEntry } from "./entra-client.ts";
export type { EscrowEntry, Quarantine } from "./entra-escrow.ts";

/** Entra runs an incremental cycle about every 40 minutes (entra.md §1). */
export const CYCLE_INTERVAL = 40 * MINUTE;
const SOFT_DELETE_RETENTION = 30 * DAY;

interface UserAnchor extends Anchor {
	exported: Map<string, Value>;
	manager: string | undefined;
}

export interface EntraTenantOptions {
	/** `true` for a Tenant URL carrying `aadOptscim062020` (the `entra-flag` profile). */
	flag: boolean;
	directory: Directory;
	clock: Clock;
	/** The SCIM base URL without the flag's query string. */
	baseUrl: string;
	token: string;
	fetch: FetchLike;
	membersPerOperation?: number;
	operationsPerRequest?: number;
	/** Time between incremental cycles outside quarantine; 40 minutes by default. */
	cycleIntervalMs?: number;
}

/** The state of the provisioning job, as the Provisioning page's status shows it. */
export interface EntraJobStatus {
	cycles: number;
	lastCycle: { began: number; ended: number; operations: number; failures: number } | undefined;
	nextCycleAt: number;
	quarantine: Quarantine | undefined;
	/** In quarantine for more than four weeks: the job stopped running. */
	disabled: boolean;
	escrow: EscrowEntry[];
}

/**
 * A Microsoft Entra ID provisioning job against one SCIM app (entra.md): initial and incremental cycles
 * over the directory, the id cache (`InvalidAnchor` on a later 404), escrow of failed operations and
 * quarantine of a mostly failing job (`entra-escrow.ts`, decision 0176), "Provision on demand", and the
 * request shapes of the legacy service (`entra`) or of `aadOptscim062020` (`entra-flag`). Every answer is
 * checked as Entra checks it; an answer Entra cannot use throws an {@link IdpCheckFailure} named by
 * Entra's error code. The wire and the log are {@link EntraClient}; the group pass is {@link EntraGroupSync}.
 * Time comes from the {@link Clock}: a cycle runs when called; {@link nextCycleAt} says when Entra would.
 */
export class EntraTenant {
	readonly http: ScimHttp;
	readonly log: ProvisioningEvent[];
	/** The provisioning log: one row per operation, with its requests. */
	readonly entries: ProvisioningLogEntry[];
	readonly userAnchors = new Map<string, UserAnchor>();
	readonly groupAnchors: Map<string, GroupAnchor>;
	readonly #options: Required<EntraTenantOptions>;
	readonly #client: EntraClient;
	readonly #groups: EntraGroupSync;
	#cycles = 0;
	#lastCycle: EntraJobStatus["lastCycle"];
	#nextCycleAt: number;
	#quarantine: Quarantine | undefined;
	#disabled = false;

	constructor(options: EntraTenantOptions) {
		this.#options = {
			membersPerOperation: 5,
			operationsPerRequest: 2,
			cycleIntervalMs: CYCLE_INTERVAL,
			...options,
		};
		this.#client = new EntraClient(options);
		this.#groups = new EntraGroupSync(this.#client, this.#options, this.userAnchors);
		this.http = this.#client.http;
		this.log = this.#client.log;
		this.entries = this.#client.entries;
		this.groupAnchors = this.#groups.anchors;
		this.#nextCycleAt = options.clock.now();
	}

	/** Roster's id for a directory user, once Entra has created or matched it. */
	rosterUserId(directoryId: string): string | undefined {
		return this.userAnchors.get(directoryId)?.rosterId;
	}

	rosterGroupId(directoryId: string): string | undefined {
		return this.groupAnchors.get(directoryId)?.rosterId;
	}

	/** When Entra would run the next cycle: 40 min after the last, longer in quarantine. */
	nextCycleAt(): number {
		return this.#nextCycleAt;
	}

	status(): EntraJobStatus {
		return {
			cycles: this.#cycles,
			lastCycle: this.#lastCycle,
			nextCycleAt: this.#nextCycleAt,
			quarantine: this.#quarantine,
			disabled: this.#disabled,
			escrow: [...this.#client.escrow.entries.values()],
		};
	}

	/** "Test Connection": a lookup of a random userName must answer 200 with an empty ListResponse. */
	async testConnection(): Promise<void> {
		const client = this.#client;
		const guid = randomUUID();
		const send = async (path: string) => {
			try {
				return await client.send("GET", path);
			} catch (error) {
				if (error instanceof EscrowedFailure) {
					throw new IdpCheckFailure(error.code, "Test Connection failed", error.exchange);
				}
				throw error;
			}
		};
		const users = await send(`/Users?filter=${client.filter(`userName eq "${guid}"`)}`);
		if (checkListResponse(users, INCOMPATIBLE).totalResults !== 0) {
			throw new IdpCheckFailure(INCOMPATIBLE, "a random userName matched", users);
		}
		const user = await send(`/Users/${randomUUID()}`);
		if (user.status !== 404) throw new IdpCheckFailure(INCOMPATIBLE, "a random user id must be 404", user);
		const groups = await send(
			`/Groups?excludedAttributes=members&filter=${client.filter(`displayName eq "${guid}"`)}`,
		);
		if (checkListResponse(groups, INCOMPATIBLE).totalResults !== 0) {
			throw new IdpCheckFailure(INCOMPATIBLE, "a random displayName matched", groups);
		}
	}

	/**
	 * One provisioning cycle (initial or incremental) now; returns the events it recorded. Afterwards the
	 * job is judged for quarantine and {@link nextCycleAt} moves on. A disabled job sends nothing.
	 */
	async cycle(): Promise<ProvisioningEvent[]> {
		const first = this.log.length;
		if (this.#disabled) return [];
		const began = this.#options.clock.now();
		this.#cycles++;
		this.#client.cycleId = `cycle-${this.#cycles}`;
		this.#client.startCounting();
		try {
			await this.#syncUsers();
			await this.#syncManagers();
			await this.#groups.sync();
		} finally {
			this.#finishCycle(began);
		}
		return this.log.slice(first);
	}

	/**
	 * "Restart provisioning": clears escrow, quarantine and the id cache (anchors, including those lost to
	 * `InvalidAnchor`), so the next cycle is an initial cycle that looks every object up again.
	 */
	restart(): void {
		this.#client.escrow.clear();
		this.#quarantine = undefined;
		this.#disabled = false;
		this.userAnchors.clear();
		this.groupAnchors.clear();
		this.#nextCycleAt = this.#options.clock.now();
	}

	/**
	 * "Provision on demand" for one user: its create, update or disable now, its manager and its
	 * memberships of provisioned groups, in the legacy shapes (the flag does not apply, entra.md §1),
	 * regardless of escrow. Returns the provisioning-log rows it wrote.
	 */
	async provisionOnDemand(directoryId: string): Promise<ProvisioningLogEntry[]> {
		const { directory } = this.#options;
		const user = directory.user(directoryId);
		const first = this.entries.length;
		const previousCycle = this.#client.cycleId;
		this.#client.cycleId = "on-demand";
		try {
			await this.#client.legacyDialect(async () => {
				const anchor = this.userAnchors.get(directoryId);
				if (anchor && !anchor.lost) {
					await this.#exportDifferences(user, anchor, true);
				} else if (directory.isActiveInScope(directoryId)) {
					await this.#createOrMatch(user, true);
				} else {
					this.#client.skipped(
						this.#userRow(user, "Other"),
						"NotEffectivelyEntitled: the user is not assigned to the app, is disabled or is deleted.",
					);
					return;
				}
				await this.#syncManager(directoryId, true);
				await this.#groups.syncMembershipsOf(directoryId);
			});
		} finally {
			this.#client.cycleId = previousCycle;
		}
		return this.entries.slice(first);
	}

	#finishCycle(began: number): void {
		const now = this.#options.clock.now();
		const counts = this.#client.counts;
		this.#lastCycle = { began, ended: now, operations: counts.operations, failures: counts.failures };
		const verdict = quarantineReasonOf(counts);
		const previous = this.#quarantine;
		// A cycle that sent nothing shows no error fixed: a quarantine stays (and keeps backing off).
		const kept = previous && counts.operations === 0 ? previous : undefined;
		if (!verdict && !kept) {
			this.#quarantine = undefined;
			this.#nextCycleAt = now + this.#options.cycleIntervalMs;
			return;
		}
		const seriesCount = (previous?.seriesCount ?? 0) + 1;
		const quarantine: Quarantine = {
			reason: verdict?.reason ?? (kept as Quarantine).reason,
			error: verdict ? { code: verdict.code, message: verdict.message } : (kept as Quarantine).error,
			seriesBegan: previous?.seriesBegan ?? now,
			currentBegan: now,
			seriesCount,
			nextAttempt: now + quarantineInterval(this.#options.cycleIntervalMs, seriesCount),
		};
		this.#quarantine = quarantine;
		if (now - quarantine.seriesBegan > QUARANTINE_DISABLE_AFTER) this.#disabled = true;
		this.#nextCycleAt = quarantine.nextAttempt;
	}

	#userRow(user: DirectoryUser, action: OperationRow["action"]): OperationRow {
		const targetId = this.userAnchors.get(user.id)?.rosterId;
		return {
			key: `user:${user.id}`,
			action,
			objectType: "User",
			sourceId: user.id,
			sourceName: user.userPrincipalName,
			...(targetId ? { targetId } : {}),
		};
	}

	async #syncUsers(): Promise<void> {
		const { directory, clock } = this.#options;
		for (const [directoryId, anchor] of [...this.userAnchors]) {
			if (anchor.lost) continue;
			const user = directory.users.get(directoryId);
			const expired =
				user?.softDeletedAt !== undefined && clock.now() - user.softDeletedAt >= SOFT_DELETE_RETENTION;
			if (!user || expired) {
				const row: OperationRow = {
					key: `user:${directoryId}`,
					action: "Delete",
					objectType: "User",
					sourceId: directoryId,
					sourceName: user?.userPrincipalName ?? directoryId,
					targetId: anchor.rosterId,
				};
				await this.#client.operation(row, () => this.#client.delete("Users", anchor, directoryId));
				if (!anchor.lost && this.#client.escrow.entries.has(row.key)) continue;
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

	async #exportDifferences(user: DirectoryUser, anchor: UserAnchor, force = false): Promise<void> {
		const desired = mapUser(user, this.#options.directory.isActiveInScope(user.id));
		const changes = [...desired].filter(([path, value]) => !same(anchor.exported.get(path), value));
		if (changes.length === 0) return;
		const disabling = changes.some(([path, value]) => path === "active" && value === false);
		const row = this.#userRow(user, disabling ? "Disable" : "Update");
		const ops = userOps(changes, anchor.exported, this.#client.flag);
		const work = async () => {
			if (await this.#client.patch("Users", anchor, user.id, ops)) {
				for (const [path, value] of changes) anchor.exported.set(path, value);
			}
		};
		await this.#client.operation(row, work, force);
	}

	async #createOrMatch(user: DirectoryUser, force = false): Promise<void> {
		const client = this.#client;
		const row = this.#userRow(user, "Create");
		let matched: UserAnchor | undefined;
		const work = async () => {
			const lookup = await client.send(
				"GET",
				`/Users?filter=${client.filter(`userName eq "${user.userPrincipalName}"`)}`,
				undefined,
				user.id,
			);
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
				matched = { rosterId: found.id, exported, manager: undefined, lost: false };
				row.action = "Other";
				row.targetId = found.id;
				this.userAnchors.set(user.id, matched);
				return;
			}
			const created = await client.send("POST", "/Users", userBody(user), user.id);
			const resource = checkCreated(created, INCOMPATIBLE);
			client.checkUser(resource, created);
			row.targetId = resource.id;
			this.userAnchors.set(user.id, {
				rosterId: resource.id,
				exported: mapUser(user, true),
				manager: undefined,
				lost: false,
			});
		};
		await client.operation(row, work, force);
		if (matched) await this.#exportDifferences(user, matched, force);
	}

	/** The manager reference, sent once the manager exists in Roster (a later PATCH, never in the POST). */
	async #syncManagers(): Promise<void> {
		for (const directoryId of [...this.userAnchors.keys()]) await this.#syncManager(directoryId);
	}

	async #syncManager(directoryId: string, force = false): Promise<void> {
		const anchor = this.userAnchors.get(directoryId);
		const user = this.#options.directory.users.get(directoryId);
		if (!user || !anchor || anchor.lost) return;
		const managerAnchor = user.managerId ? this.userAnchors.get(user.managerId) : undefined;
		const desired = managerAnchor && !managerAnchor.lost ? managerAnchor.rosterId : undefined;
		if (desired === anchor.manager) return;
		if (desired === undefined && user.managerId !== undefined) return;
		const op: Op =
			desired !== undefined
				? { op: this.#client.op("add"), path: MANAGER, value: desired }
				: { op: this.#client.op("remove"), path: `manager[value eq "${anchor.manager}"]` };
		const row: OperationRow = { ...this.#userRow(user, "Update"), key: `manager:${directoryId}` };
		const work = async () => {
			if (await this.#client.patch("Users", anchor, directoryId, [op])) anchor.manager = desired;
		};
		await this.#client.operation(row, work, force);
	}
}
