import { randomBytes, randomUUID } from "node:crypto";
import { IdpCheckFailure } from "../checks.ts";
import type { Clock } from "../clock.ts";
import { Directory, type DirectoryUser, type HireInput, type ProfileChange } from "../directory.ts";
import { CYCLE_INTERVAL, EntraTenant } from "../entra.ts";
import type { FetchLike } from "../http.ts";
import { OktaTenant } from "../okta.ts";
import type { GroupInput, HireForm, ProfileForm, ProvisioningForm } from "./inputs.ts";
import { type KindProfile, profileOfKind, type TenantKind } from "./kinds.ts";

/** An operation the tenant cannot do (unknown id, wrong kind of tenant): a 4xx for pages and the API. */
export class ControlError extends Error {
	constructor(
		readonly status: 400 | 404 | 409,
		message: string,
	) {
		super(message);
		this.name = "ControlError";
	}
}

/** The last thing that stopped a cycle or a push (an answer the IdP cannot use), as the status shows it. */
export interface JobError {
	at: number;
	code: string;
	message: string;
}

export interface ControlOptions {
	kind: TenantKind;
	clock: Clock;
	fetch: FetchLike;
	/** Roster's SCIM base URL (`…/scim/v2`), if known up front. */
	scimUrl?: string;
	token?: string;
	cycleIntervalMs?: number;
	/** The registered application's client id and secret; generated when left out. */
	clientId?: string;
	clientSecret?: string;
	redirectUris?: string[];
}

const OPTIONAL_ATTRIBUTES = ["jobTitle", "department", "employeeId", "managerId", "locale"] as const;

/**
 * One mock tenant's state and every operation a person (pages) or a program (the JSON API, benches,
 * specs) can do on it: the directory, the provisioning job (Entra's cycles on a timer, Okta's pushes at
 * once after each change), and the registered SSO application. Operations run one at a time, as the
 * IdP's job does, so a cycle never interleaves with an on-demand push.
 */
export class TenantControl {
	readonly kind: TenantKind;
	readonly profile: KindProfile;
	readonly directory: Directory;
	readonly tenant: EntraTenant | OktaTenant;
	/** Entra's directory (tenant) id, the `tid` claim. */
	readonly tenantId = randomUUID();
	readonly clientId: string;
	readonly clientSecret: string;
	redirectUris: string[];
	/** Provisioning Status On (Entra) / "To App" provisioning enabled (Okta). */
	enabled = false;
	lastError: JobError | undefined;
	/** Called when the redirect URIs change, so the OpenID provider re-registers the client. */
	onClientChange: (() => void) | undefined;
	readonly #clock: Clock;
	#scimUrl: string;
	#token: string;
	#tokenSet: boolean;
	#queue: Promise<unknown> = Promise.resolve();
	#timer: NodeJS.Timeout | undefined;
	#stopped = false;

	constructor(options: ControlOptions) {
		this.kind = options.kind;
		this.profile = profileOfKind(options.kind);
		this.#clock = options.clock;
		this.directory = new Directory(options.clock, this.profile.domain, () =>
			this.profile.newObjectId("user"),
		);
		this.#scimUrl = options.scimUrl ?? "";
		this.#token = options.token ?? "";
		this.#tokenSet = this.#token !== "";
		const common = {
			directory: this.directory,
			clock: options.clock,
			baseUrl: this.#scimUrl,
			token: options.token ?? "",
			fetch: options.fetch,
		};
		this.tenant =
			this.profile.vendor === "entra"
				? new EntraTenant({
						...common,
						flag: options.kind === "entra-flag",
						cycleIntervalMs: options.cycleIntervalMs ?? CYCLE_INTERVAL,
					})
				: new OktaTenant({
						...common,
						app: options.kind === "okta-oin" ? "oin" : "aiw",
						deleteUnlinkedGroups: true,
					});
		this.clientId = options.clientId ?? this.profile.newClientId();
		this.clientSecret = options.clientSecret ?? randomBytes(30).toString("base64url");
		this.redirectUris = options.redirectUris ?? [];
	}

	get entra(): EntraTenant | undefined {
		return this.tenant instanceof EntraTenant ? this.tenant : undefined;
	}

	get okta(): OktaTenant | undefined {
		return this.tenant instanceof OktaTenant ? this.tenant : undefined;
	}

	/** The Tenant URL as the admin sees it (with `?aadOptscim062020` for the flagged profile). */
	get scimUrl(): string {
		return this.#scimUrl && this.kind === "entra-flag" ? `${this.#scimUrl}?aadOptscim062020` : this.#scimUrl;
	}

	get tokenSet(): boolean {
		return this.#tokenSet;
	}

	/** Runs operations one at a time, in order. */
	#serial<T>(work: () => Promise<T>): Promise<T> {
		const result = this.#queue.then(work);
		this.#queue = result.catch(() => undefined);
		return result;
	}

	#now(): number {
		return this.#clock.now();
	}

	/** Runs an IdP job step; an answer the IdP cannot use is kept as the job's last error, not thrown. */
	async #guard(work: () => Promise<unknown>): Promise<void> {
		try {
			await work();
		} catch (error) {
			if (!(error instanceof IdpCheckFailure)) throw error;
			this.lastError = { at: this.#now(), code: error.code, message: error.message };
		}
	}

	/** Okta pushes every change at once; Entra waits for its next cycle. */
	async #changed(): Promise<void> {
		const okta = this.okta;
		if (okta && this.enabled && this.#tokenSet) await this.#guard(() => okta.sync());
	}

	#change<T>(work: () => T): Promise<T> {
		return this.#serial(async () => {
			const result = work();
			await this.#changed();
			return result;
		});
	}

	user(id: string): DirectoryUser {
		const user = this.directory.users.get(id);
		if (!user) throw new ControlError(404, `There is no user ${id} in this directory.`);
		return user;
	}

	#group(id: string) {
		const group = this.directory.groups.get(id);
		if (!group) throw new ControlError(404, `There is no group ${id} in this directory.`);
		return group;
	}

	#requireEntra(): EntraTenant {
		const entra = this.entra;
		if (!entra) throw new ControlError(400, "Only a Microsoft Entra tenant does that.");
		return entra;
	}

	#requireOkta(): OktaTenant {
		const okta = this.okta;
		if (!okta) throw new ControlError(400, "Only an Okta org does that.");
		return okta;
	}

	#checkManager(managerId: string | undefined, userId?: string): void {
		if (managerId === undefined || managerId === "") return;
		this.user(managerId);
		if (managerId === userId) throw new ControlError(400, "A person cannot be their own manager.");
	}

	hire(form: HireForm): Promise<DirectoryUser> {
		this.#checkManager(form.managerId);
		return this.#change(() => {
			const input: HireInput = { givenName: form.givenName, surname: form.surname };
			for (const key of OPTIONAL_ATTRIBUTES) {
				const value = form[key];
				if (value) input[key] = value;
			}
			if (form.roles.length > 0) input.roles = form.roles;
			return this.directory.hire(input, { assign: form.assign });
		});
	}

	/** Edits a profile; an empty optional field clears that attribute. */
	updateUser(id: string, form: ProfileForm): Promise<DirectoryUser> {
		const user = this.user(id);
		this.#checkManager(form.managerId, id);
		return this.#change(() => {
			const change: ProfileChange = {};
			if (form.givenName !== undefined) change.givenName = form.givenName;
			if (form.surname !== undefined) change.surname = form.surname;
			if (form.displayName !== undefined) change.displayName = form.displayName;
			if (form.roles !== undefined) change.roles = form.roles;
			for (const key of OPTIONAL_ATTRIBUTES) {
				const value = form[key];
				if (value === undefined) continue;
				if (value === "") this.directory.clearAttribute(id, key);
				else change[key] = value;
			}
			this.directory.updateProfile(id, change);
			return user;
		});
	}

	/** The person-level actions of the Users page. */
	userAction(
		id: string,
		action: "assign" | "unassign" | "disable" | "enable" | "soft-delete" | "restore" | "purge",
	): Promise<void> {
		this.user(id);
		if ((action === "soft-delete" || action === "restore") && !this.entra) {
			throw new ControlError(400, "Okta has no recycle bin: deactivate, then delete the person.");
		}
		return this.#change(() => {
			const directory = this.directory;
			const act: Record<typeof action, () => void> = {
				assign: () => directory.assign(id),
				unassign: () => directory.unassign(id),
				disable: () => directory.disable(id),
				enable: () => directory.enable(id),
				"soft-delete": () => directory.softDelete(id),
				restore: () => directory.restore(id),
				purge: () => directory.purge(id),
			};
			act[action]();
		});
	}

	/** Entra's "Provision on demand" for one user; returns the log rows it wrote. */
	provisionOnDemand(id: string) {
		const entra = this.#requireEntra();
		this.user(id);
		this.#requireConnection();
		return this.#serial(async () => {
			let rows: Awaited<ReturnType<EntraTenant["provisionOnDemand"]>> = [];
			await this.#guard(async () => {
				rows = await entra.provisionOnDemand(id);
			});
			return rows;
		});
	}

	createGroup(form: GroupInput) {
		for (const id of form.members) this.user(id);
		return this.#change(() =>
			this.directory.createGroup(form.displayName, form.members, {
				assign: form.assign,
				push: this.okta ? form.push : false,
			}),
		);
	}

	groupAction(id: string, action: "assign" | "unassign" | "push" | "unpush" | "delete"): Promise<void> {
		this.#group(id);
		if ((action === "push" || action === "unpush") && !this.okta) {
			throw new ControlError(400, "Push Groups is an Okta feature; Entra provisions assigned groups.");
		}
		return this.#change(() => {
			const directory = this.directory;
			const act: Record<typeof action, () => void> = {
				assign: () => directory.assignedGroups.add(id),
				unassign: () => directory.unassignGroup(id),
				push: () => directory.pushedGroups.add(id),
				unpush: () => directory.stopPushing(id),
				delete: () => directory.deleteGroup(id),
			};
			act[action]();
		});
	}

	renameGroup(id: string, displayName: string): Promise<void> {
		this.#group(id);
		return this.#change(() => this.directory.renameGroup(id, displayName));
	}

	changeMembers(id: string, change: { add: string[]; remove: string[] }): Promise<void> {
		this.#group(id);
		for (const userId of change.add) this.user(userId);
		return this.#change(() => {
			if (change.remove.length > 0) this.directory.removeMembers(id, change.remove);
			if (change.add.length > 0) this.directory.addMembers(id, change.add);
		});
	}

	/** Okta's "Push Now" for one pushed group. */
	pushNow(id: string): Promise<void> {
		const okta = this.#requireOkta();
		this.#group(id);
		if (!okta.groupLinks.has(id)) throw new ControlError(409, "The group has not been pushed yet.");
		return this.#serial(() => this.#guard(() => okta.pushNow(id)));
	}

	retryTask(taskId: number): Promise<void> {
		const okta = this.#requireOkta();
		if (![...okta.openTasks.values()].some((task) => task.id === taskId)) {
			throw new ControlError(404, `No failed task ${taskId} waits for Retry.`);
		}
		return this.#serial(() => this.#guard(() => okta.retryTask(taskId)));
	}

	dismissTask(taskId: number): Promise<void> {
		const okta = this.#requireOkta();
		if (![...okta.openTasks.values()].some((task) => task.id === taskId)) {
			throw new ControlError(404, `No failed task ${taskId} waits for Retry.`);
		}
		return this.#serial(async () => okta.dismissTask(taskId));
	}

	/** Saves the Tenant URL / Base URL, the secret (kept when left empty) and Entra's scope. */
	configure(form: ProvisioningForm): Promise<void> {
		return this.#serial(async () => {
			const url = new URL(form.scimUrl);
			url.search = "";
			url.hash = "";
			this.#scimUrl = url.href.replace(/\/$/, "");
			if (form.token) {
				this.#token = form.token;
				this.#tokenSet = true;
			}
			this.tenant.http.connect(this.#scimUrl, this.#token);
			if (form.scope) this.directory.scope = form.scope;
		});
	}

	#requireConnection(): void {
		if (!this.#scimUrl || !this.#tokenSet) {
			throw new ControlError(409, `Save the ${this.profile.urlLabel} and ${this.profile.tokenLabel} first.`);
		}
	}

	/** "Test Connection" (Entra) / "Test API Credentials" (Okta): undefined when it passed, else the error. */
	testConnection(): Promise<JobError | undefined> {
		this.#requireConnection();
		return this.#serial(async () => {
			try {
				if (this.tenant instanceof EntraTenant) await this.tenant.testConnection();
				else await this.tenant.testConnector();
				return undefined;
			} catch (error) {
				if (error instanceof Error) return { at: this.#now(), code: error.name, message: error.message };
				throw error;
			}
		});
	}

	/** Provisioning Status On: Entra runs the initial cycle now and then cycles on its timer; Okta pushes pending changes. */
	start(): Promise<void> {
		this.#requireConnection();
		this.enabled = true;
		if (this.okta) return this.#serial(() => this.#changed());
		return this.runCycle();
	}

	stop(): void {
		this.enabled = false;
		clearTimeout(this.#timer);
	}

	/** Runs an Entra cycle now (then the timer waits for the next one). */
	runCycle(): Promise<void> {
		const entra = this.#requireEntra();
		this.#requireConnection();
		return this.#serial(async () => {
			clearTimeout(this.#timer);
			await this.#guard(() => entra.cycle());
			this.#schedule();
		});
	}

	/** "Restart provisioning": clears escrow, quarantine and the id cache; the next cycle is an initial one. */
	restart(): Promise<void> {
		const entra = this.#requireEntra();
		return this.#serial(async () => {
			entra.restart();
			this.lastError = undefined;
		}).then(() => (this.enabled ? this.runCycle() : undefined));
	}

	#schedule(): void {
		const entra = this.entra;
		clearTimeout(this.#timer);
		if (!entra || !this.enabled || this.#stopped || entra.status().disabled) return;
		const wait = Math.max(0, entra.nextCycleAt() - this.#now());
		this.#timer = setTimeout(() => {
			this.runCycle().catch(() => undefined);
		}, wait);
		this.#timer.unref();
	}

	/** Registers the redirect URIs the admin pasted from Roster; the OpenID provider is rebuilt. */
	setRedirectUris(uris: string[]): void {
		this.redirectUris = uris;
		this.onClientChange?.();
	}

	/** Waits for running operations and stops the timer for good. */
	async close(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#timer);
		await this.#queue;
	}
}
