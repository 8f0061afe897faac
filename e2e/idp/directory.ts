import { randomUUID } from "node:crypto";
import type { Clock } from "./clock.ts";

/** A person in the IdP's directory (Entra user / Okta user), keyed by the IdP's own object id. */
export interface DirectoryUser {
	id: string;
	userPrincipalName: string;
	mail: string;
	mailNickname: string;
	givenName: string;
	surname: string;
	displayName: string;
	jobTitle?: string;
	department?: string;
	employeeId?: string;
	/** The directory id of the manager. */
	managerId?: string;
	locale?: string;
	roles: string[];
	entitlements: string[];
	accountEnabled: boolean;
	/** Set by a soft delete (Entra keeps the object 30 days); purge removes the user entirely. */
	softDeletedAt?: number;
}

export interface DirectoryGroup {
	id: string;
	displayName: string;
	members: Set<string>;
}

export interface HireInput {
	givenName: string;
	surname: string;
	jobTitle?: string;
	department?: string;
	employeeId?: string;
	managerId?: string;
	locale?: string;
	roles?: string[];
	entitlements?: string[];
}

export type ProfileChange = Partial<
	Omit<DirectoryUser, "id" | "accountEnabled" | "softDeletedAt" | "roles" | "entitlements">
> & { roles?: string[]; entitlements?: string[] };

/**
 * The IdP side of provisioning: users, groups and app assignments that a test mutates the way an admin or
 * HR feed would. Tenants read it to decide what to send; it never talks HTTP itself.
 */
export class Directory {
	readonly users = new Map<string, DirectoryUser>();
	readonly groups = new Map<string, DirectoryGroup>();
	readonly assignedUsers = new Set<string>();
	readonly assignedGroups = new Set<string>();
	/** Okta's "Push Groups" list: pushing a group does not assign its members to the app. */
	readonly pushedGroups = new Set<string>();
	/** Entra's scope: "Sync only assigned users and groups" (the default) or "Sync all users and groups". */
	scope: "assigned" | "all" = "assigned";
	readonly #clock: Clock;
	readonly #domain: string;
	readonly #newId: () => string;

	/** `newId` makes the IdP's object ids (Entra: GUIDs, the default; Okta: `00u…`). */
	constructor(clock: Clock, domain = "contoso.example", newId: () => string = randomUUID) {
		this.#clock = clock;
		this.#domain = domain;
		this.#newId = newId;
	}

	get domain(): string {
		return this.#domain;
	}

	hire(input: HireInput, options: { assign?: boolean } = {}): DirectoryUser {
		const base = `${input.givenName}.${input.surname}`.toLowerCase().replace(/[^a-z0-9.]/g, "");
		let nickname = base;
		for (let n = 2; this.findByLogin(`${nickname}@${this.#domain}`); n++) nickname = `${base}${n}`;
		const user: DirectoryUser = {
			id: this.#newId(),
			userPrincipalName: `${nickname}@${this.#domain}`,
			mail: `${nickname}@${this.#domain}`,
			mailNickname: nickname,
			givenName: input.givenName,
			surname: input.surname,
			displayName: `${input.givenName} ${input.surname}`,
			roles: input.roles ?? [],
			entitlements: input.entitlements ?? [],
			accountEnabled: true,
			...(input.jobTitle !== undefined ? { jobTitle: input.jobTitle } : {}),
			...(input.department !== undefined ? { department: input.department } : {}),
			...(input.employeeId !== undefined ? { employeeId: input.employeeId } : {}),
			...(input.managerId !== undefined ? { managerId: input.managerId } : {}),
			...(input.locale !== undefined ? { locale: input.locale } : {}),
		};
		this.users.set(user.id, user);
		if (options.assign ?? true) this.assignedUsers.add(user.id);
		return user;
	}

	user(id: string): DirectoryUser {
		const user = this.users.get(id);
		if (!user) throw new Error(`no directory user ${id}`);
		return user;
	}

	group(id: string): DirectoryGroup {
		const group = this.groups.get(id);
		if (!group) throw new Error(`no directory group ${id}`);
		return group;
	}

	updateProfile(id: string, change: ProfileChange): void {
		Object.assign(this.user(id), change);
	}

	clearAttribute(id: string, key: "jobTitle" | "department" | "employeeId" | "managerId" | "locale"): void {
		delete this.user(id)[key];
	}

	/** Blocks sign-in (Entra) or deactivates the person (Okta). */
	disable(id: string): void {
		this.user(id).accountEnabled = false;
	}

	enable(id: string): void {
		this.user(id).accountEnabled = true;
	}

	softDelete(id: string): void {
		this.user(id).softDeletedAt = this.#clock.now();
	}

	restore(id: string): void {
		delete this.user(id).softDeletedAt;
	}

	/** Removes the person for good: from the directory, assignments and every group. */
	purge(id: string): void {
		this.users.delete(id);
		this.assignedUsers.delete(id);
		for (const group of this.groups.values()) group.members.delete(id);
	}

	assign(id: string): void {
		this.assignedUsers.add(this.user(id).id);
	}

	unassign(id: string): void {
		this.assignedUsers.delete(id);
	}

	createGroup(
		displayName: string,
		memberIds: string[] = [],
		options: { assign?: boolean; push?: boolean } = {},
	): DirectoryGroup {
		const group: DirectoryGroup = { id: this.#newId(), displayName, members: new Set(memberIds) };
		this.groups.set(group.id, group);
		if (options.assign ?? true) this.assignedGroups.add(group.id);
		if (options.push ?? true) this.pushedGroups.add(group.id);
		return group;
	}

	addMembers(groupId: string, userIds: string[]): void {
		const group = this.group(groupId);
		for (const id of userIds) group.members.add(this.user(id).id);
	}

	removeMembers(groupId: string, userIds: string[]): void {
		const group = this.group(groupId);
		for (const id of userIds) group.members.delete(id);
	}

	renameGroup(groupId: string, displayName: string): void {
		this.group(groupId).displayName = displayName;
	}

	deleteGroup(groupId: string): void {
		this.groups.delete(groupId);
		this.assignedGroups.delete(groupId);
		this.pushedGroups.delete(groupId);
	}

	unassignGroup(groupId: string): void {
		this.assignedGroups.delete(groupId);
	}

	/** Okta: unlinks a pushed group (the tenant deletes it in the app when configured to). */
	stopPushing(groupId: string): void {
		this.pushedGroups.delete(groupId);
	}

	/** The person with this sign-in name (UPN / Okta login), case-insensitive. */
	findByLogin(login: string): DirectoryUser | undefined {
		const wanted = login.trim().toLowerCase();
		for (const user of this.users.values()) {
			if (user.userPrincipalName.toLowerCase() === wanted) return user;
		}
		return undefined;
	}

	/** In scope of the app: with "Sync only assigned users and groups", assigned directly or through an assigned group. */
	isAssigned(userId: string): boolean {
		if (this.scope === "all" && this.users.has(userId)) return true;
		if (this.assignedUsers.has(userId)) return true;
		for (const groupId of this.assignedGroups) {
			if (this.groups.get(groupId)?.members.has(userId)) return true;
		}
		return false;
	}

	/** A group Entra provisions: assigned, or any group with "Sync all users and groups". */
	isGroupInScope(groupId: string): boolean {
		return this.groups.has(groupId) && (this.scope === "all" || this.assignedGroups.has(groupId));
	}

	/** Assigned, enabled and not soft-deleted: the user should be active in the app. */
	isActiveInScope(userId: string): boolean {
		const user = this.users.get(userId);
		return user?.accountEnabled === true && user.softDeletedAt === undefined && this.isAssigned(userId);
	}
}
