import { checkCreated, checkListResponse, checkPatchAnswer, IdpCheckFailure } from "./checks.ts";
import type { Directory } from "./directory.ts";
import { encodeFilter, type JsonObject } from "./http.ts";
import { type OktaClient, PAGE } from "./okta-client.ts";
import { GROUP_SCHEMA, PATCH_OP } from "./urns.ts";

/** A pushed group as Okta remembers it: Roster's id, the name and the members it last sent. */
export interface GroupLink {
	rosterId: string;
	displayName: string;
	members: Set<string>;
}

export interface GroupPushOptions {
	app: "oin" | "aiw";
	directory: Directory;
	deleteUnlinkedGroups?: boolean;
}

/** Roster ids paired with the `display` Okta sends for each member (the userName). */
type Members = [string, string][];

function memberValues(members: Members): JsonObject[] {
	return members.map(([value, display]) => ({ value, display }));
}

/**
 * Okta's Group Push (okta.md §2), apart from app assignments: links a pushed group to a Roster group by
 * name (OIN: a filtered lookup; AIW: a full import), then sends renames and member changes as PATCH
 * deltas (OIN) or a GET + full PUT (AIW); unlinking deletes the Roster group only when configured to.
 */
export class OktaGroupPush {
	readonly links = new Map<string, GroupLink>();
	readonly #client: OktaClient;
	readonly #options: GroupPushOptions;
	readonly #userLinks: ReadonlyMap<string, { rosterId: string }>;

	constructor(
		client: OktaClient,
		options: GroupPushOptions,
		userLinks: ReadonlyMap<string, { rosterId: string }>,
	) {
		this.#client = client;
		this.#options = options;
		this.#userLinks = userLinks;
	}

	/** Unlinks groups no longer pushed (or gone), then pushes every pushed group, one task each. */
	async sync(): Promise<void> {
		const { directory } = this.#options;
		for (const [directoryId, link] of [...this.links]) {
			if (!directory.pushedGroups.has(directoryId) || !directory.groups.has(directoryId)) {
				await this.#client.task("unlink group", directoryId, () => this.#unlink(directoryId, link));
			}
		}
		for (const directoryId of directory.pushedGroups) {
			await this.#client.task("group push", directoryId, () => this.#push(directoryId));
		}
	}

	/** "Push Now": re-sends a pushed group's full membership. */
	async pushNow(directoryId: string): Promise<void> {
		const link = this.links.get(directoryId);
		if (!link) throw new Error(`group ${directoryId} is not pushed`);
		await this.#client.task("push now", directoryId, async () => {
			this.#client.describe("Push Now: push group memberships to app");
			const members = this.#desiredMembers(directoryId);
			if (this.#options.app === "oin") {
				await this.#patch(link, [{ op: "replace", path: "members", value: memberValues(members) }]);
			} else {
				await this.#put(link, this.#options.directory.group(directoryId).displayName, members);
			}
			link.members = new Set(members.map(([id]) => id));
		});
	}

	#desiredMembers(directoryId: string): Members {
		const members: Members = [];
		for (const userId of this.#options.directory.group(directoryId).members) {
			const link = this.#userLinks.get(userId);
			const user = this.#options.directory.users.get(userId);
			if (link && user) members.push([link.rosterId, user.userPrincipalName]);
		}
		return members;
	}

	async #patch(link: GroupLink, operations: JsonObject[]): Promise<void> {
		const exchange = await this.#client.send("PATCH", `/Groups/${link.rosterId}`, {
			schemas: [PATCH_OP],
			Operations: operations,
		});
		if (exchange.status === 404) this.#client.fail("Push group failed", exchange);
		checkPatchAnswer(exchange, "Invalid response");
	}

	async #put(link: GroupLink, displayName: string, members: Members): Promise<void> {
		const got = await this.#client.send("GET", `/Groups/${link.rosterId}`);
		if (got.status === 404) this.#client.fail("Push group failed", got);
		if (got.status !== 200 || !got.body)
			throw new IdpCheckFailure("Invalid response", "GET group must answer 200", got);
		const put = await this.#client.send("PUT", `/Groups/${link.rosterId}`, {
			...got.body,
			displayName,
			members: memberValues(members),
		});
		if (put.status !== 200 || !put.body)
			throw new IdpCheckFailure("Invalid response", "PUT group must answer 200 + group", put);
		link.displayName = displayName;
	}

	async #push(directoryId: string): Promise<void> {
		const group = this.#options.directory.group(directoryId);
		const members = this.#desiredMembers(directoryId);
		let link = this.links.get(directoryId);
		this.#client.describe(link ? "Push group updates to app" : "Push new group to app");
		if (!link) {
			link = await this.#link(directoryId, group.displayName, members);
			if (!link) return;
		}
		const wanted = new Set(members.map(([id]) => id));
		const removed = [...link.members].filter((id) => !wanted.has(id));
		const added = members.filter(([id]) => !link.members.has(id));
		if (removed.length === 0 && added.length === 0 && link.displayName === group.displayName) return;
		if (this.#options.app === "aiw") {
			await this.#put(link, group.displayName, members);
		} else {
			await this.#patch(link, [
				{ op: "replace", value: { id: link.rosterId, displayName: group.displayName } },
			]);
			link.displayName = group.displayName;
			if (removed.length > 0 || added.length > 0) {
				await this.#patch(link, [
					...removed.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` })),
					...(added.length > 0 ? [{ op: "add", path: "members", value: memberValues(added) }] : []),
				]);
			}
		}
		link.members = wanted;
	}

	async #link(directoryId: string, displayName: string, members: Members): Promise<GroupLink | undefined> {
		const aiw = this.#options.app === "aiw";
		let found: JsonObject | undefined;
		if (aiw) {
			found = (await this.#client.importAll("Groups")).find((group) => group.displayName === displayName);
		} else {
			const filter = encodeFilter(`displayName eq "${displayName}"`, "%20");
			const lookup = await this.#client.send("GET", `/Groups?filter=${filter}&startIndex=1&count=${PAGE}`);
			const { resources } = checkListResponse(lookup, "Push group failed");
			if (resources.length > 1)
				throw new IdpCheckFailure("MultipleGroupsFound", "the lookup matched more than one", lookup);
			found = resources[0];
		}
		if (found && typeof found.id === "string") {
			const link: GroupLink = { rosterId: found.id, displayName, members: new Set() };
			this.links.set(directoryId, link);
			return link;
		}
		const body = aiw
			? { schemas: [GROUP_SCHEMA], displayName, members: memberValues(members) }
			: { schemas: [GROUP_SCHEMA], displayName, members: [] };
		const created = await this.#client.send("POST", "/Groups", body);
		if (created.status === 409) this.#client.fail("Push group failed", created);
		const resource = checkCreated(created, "Push group failed");
		const link: GroupLink = { rosterId: resource.id, displayName, members: new Set() };
		this.links.set(directoryId, link);
		if (aiw) {
			await this.#put(link, displayName, members);
			link.members = new Set(members.map(([id]) => id));
		}
		return link;
	}

	async #unlink(directoryId: string, link: GroupLink): Promise<void> {
		this.#client.describe("Unlink pushed group");
		this.links.delete(directoryId);
		if (!this.#options.deleteUnlinkedGroups) return;
		const exchange = await this.#client.send("DELETE", `/Groups/${link.rosterId}`);
		if (exchange.status !== 204)
			throw new IdpCheckFailure("Invalid response", "DELETE must answer 204", exchange);
	}
}
