import { checkCreated, checkListResponse, IdpCheckFailure } from "./checks.ts";
import type { Directory } from "./directory.ts";
import {
	type Anchor,
	type EntraClient,
	INCOMPATIBLE,
	type LogAction,
	type OperationRow,
} from "./entra-client.ts";
import { chunk, type Op } from "./entra-mapping.ts";
import { GROUP_SCHEMA } from "./urns.ts";

const AD_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

/** An assigned group as Entra caches it: Roster's id, the name and the members it last exported. */
export interface GroupAnchor extends Anchor {
	displayName: string;
	members: Set<string>;
}

export interface GroupSyncOptions {
	directory: Directory;
	membersPerOperation: number;
	operationsPerRequest: number;
}

/**
 * The group pass of an Entra cycle (entra.md §2), one escrowed operation per group: deletes groups no
 * longer in scope, renames, creates or matches new ones by `displayName` (with `excludedAttributes=members`), and exports member changes in
 * batches — `membersPerOperation` members per op and `operationsPerRequest` ops per PATCH; with the flag,
 * each removal is its own filtered `remove`.
 */
export class EntraGroupSync {
	readonly anchors = new Map<string, GroupAnchor>();
	readonly #client: EntraClient;
	readonly #options: GroupSyncOptions;
	readonly #userAnchors: ReadonlyMap<string, Anchor>;

	constructor(client: EntraClient, options: GroupSyncOptions, userAnchors: ReadonlyMap<string, Anchor>) {
		this.#client = client;
		this.#options = options;
		this.#userAnchors = userAnchors;
	}

	async sync(): Promise<void> {
		const { directory } = this.#options;
		for (const [directoryId, anchor] of [...this.anchors]) {
			if (anchor.lost) continue;
			const group = directory.groups.get(directoryId);
			if (!group || !directory.isGroupInScope(directoryId)) {
				const row = this.#row(directoryId, anchor.displayName, "Delete", anchor.rosterId);
				await this.#client.operation(row, () => this.#client.delete("Groups", anchor, directoryId));
				if (!anchor.lost && this.#client.escrow.entries.has(row.key)) continue;
				this.anchors.delete(directoryId);
				continue;
			}
			const row = this.#row(directoryId, group.displayName, "Update", anchor.rosterId);
			if (group.displayName === anchor.displayName && this.#memberChanges(directoryId, anchor).empty)
				continue;
			await this.#client.operation(row, async () => {
				if (group.displayName !== anchor.displayName) {
					const ops = [{ op: this.#client.op("replace"), path: "displayName", value: group.displayName }];
					if (!(await this.#client.patch("Groups", anchor, directoryId, ops))) return;
					anchor.displayName = group.displayName;
				}
				await this.#syncMembers(directoryId, anchor);
			});
		}
		for (const directoryId of directory.groups.keys()) {
			if (!this.anchors.has(directoryId) && directory.isGroupInScope(directoryId)) {
				const row = this.#row(directoryId, directory.group(directoryId).displayName, "Create");
				await this.#client.operation(row, () => this.#createOrMatch(directoryId, row));
			}
		}
	}

	/** On demand: the member changes of every provisioned group that holds (or held) this user. */
	async syncMembershipsOf(userId: string): Promise<void> {
		const rosterId = this.#userAnchors.get(userId)?.rosterId;
		for (const [directoryId, anchor] of this.anchors) {
			const group = this.#options.directory.groups.get(directoryId);
			if (!group || anchor.lost) continue;
			if (!group.members.has(userId) && !(rosterId && anchor.members.has(rosterId))) continue;
			if (this.#memberChanges(directoryId, anchor).empty) continue;
			const row = this.#row(directoryId, group.displayName, "Update", anchor.rosterId);
			await this.#client.operation(row, () => this.#syncMembers(directoryId, anchor), true);
		}
	}

	#row(directoryId: string, displayName: string, action: LogAction, targetId?: string): OperationRow {
		return {
			key: `group:${directoryId}`,
			action,
			objectType: "Group",
			sourceId: directoryId,
			sourceName: displayName,
			...(targetId ? { targetId } : {}),
		};
	}

	async #createOrMatch(directoryId: string, row: OperationRow): Promise<void> {
		const client = this.#client;
		const group = this.#options.directory.group(directoryId);
		const lookup = await client.send(
			"GET",
			`/Groups?excludedAttributes=members&filter=${client.filter(`displayName eq "${group.displayName}"`)}`,
			undefined,
			directoryId,
		);
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
			const created = await client.send(
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
			const resource = checkCreated(created, INCOMPATIBLE);
			if ("members" in resource && !Array.isArray(resource.members)) {
				throw new IdpCheckFailure(INCOMPATIBLE, "members is not an array", created);
			}
			rosterId = resource.id;
		}
		row.targetId = rosterId;
		const anchor: GroupAnchor = { rosterId, displayName: group.displayName, members: new Set(), lost: false };
		this.anchors.set(directoryId, anchor);
		await this.#syncMembers(directoryId, anchor);
	}

	/** Roster ids to remove from and add to a provisioned group so it matches the directory. */
	#memberChanges(directoryId: string, anchor: GroupAnchor) {
		const desired = new Set<string>();
		for (const userId of this.#options.directory.group(directoryId).members) {
			const member = this.#userAnchors.get(userId);
			if (member && !member.lost) desired.add(member.rosterId);
		}
		const removals = [...anchor.members].filter((id) => !desired.has(id));
		const additions = [...desired].filter((id) => !anchor.members.has(id));
		return { removals, additions, empty: removals.length === 0 && additions.length === 0 };
	}

	async #syncMembers(directoryId: string, anchor: GroupAnchor): Promise<void> {
		const client = this.#client;
		const { membersPerOperation, operationsPerRequest } = this.#options;
		const { removals, additions } = this.#memberChanges(directoryId, anchor);
		const memberOps = (op: "add" | "remove", ids: string[]): Op[] =>
			chunk(ids, membersPerOperation).map((batch) => ({
				op: client.op(op),
				path: "members",
				value: batch.map((value) => ({ $ref: null, value })),
			}));
		const removalOps: Op[] = client.flag
			? removals.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` }))
			: memberOps("remove", removals);
		const perRequest = client.flag ? membersPerOperation * operationsPerRequest : operationsPerRequest;
		for (const ops of chunk(removalOps, perRequest)) {
			if (!(await client.patch("Groups", anchor, directoryId, ops))) return;
		}
		for (const id of removals) anchor.members.delete(id);
		for (const ops of chunk(memberOps("add", additions), operationsPerRequest)) {
			if (!(await client.patch("Groups", anchor, directoryId, ops))) return;
			for (const op of ops)
				for (const item of op.value as { value: string }[]) anchor.members.add(item.value);
		}
	}
}
