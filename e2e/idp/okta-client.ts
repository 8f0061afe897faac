import { checkListResponse, IdpCheckFailure, retryAfterSeconds } from "./checks.ts";
import { type Clock, MINUTE } from "./clock.ts";
import { type Exchange, type FetchLike, type JsonObject, ScimHttp, TransportFailure } from "./http.ts";
import { checkOktaUser } from "./okta-profile.ts";

export const OKTA_USER_AGENT = "Okta SCIM Client 1.0.0";
/** Okta's 429 policy (okta.md §4): a missing or non-integer Retry-After means 5 minutes; 10 attempts in all. */
export const OKTA_DEFAULT_RETRY_MS = 5 * MINUTE;
export const OKTA_MAX_ATTEMPTS = 10;
/** The `count` Okta asks for on every list, lookup and import page. */
export const PAGE = 100;

/** A task that ended in Okta's Tasks list instead of completing; it waits there for an admin's Retry. */
export interface FailedTask {
	id: number;
	at: number;
	task: string;
	objectId: string;
	reason: string;
}

/** One System Log event: a task Okta ran against the app, with its outcome and the requests it sent. */
export interface SystemLogEvent {
	id: number;
	at: number;
	/** What the admin reads, e.g. "Push new user to app". */
	displayMessage: string;
	task: string;
	objectId: string;
	outcome: "SUCCESS" | "FAILURE";
	reason: string | undefined;
	steps: Exchange[];
}

/** The cap on kept System Log events, so a tenant left running keeps a bounded log. */
const MAX_LOG_EVENTS = 20_000;

export interface OktaClientOptions {
	clock: Clock;
	baseUrl: string;
	token: string;
	fetch: FetchLike;
}

class TaskFailed extends Error {}

/**
 * Okta's side of the wire, shared by user and group tasks: its headers, the 429 back-off on the fake clock,
 * the Tasks list a failed task lands in, and "Import Now".
 */
export class OktaClient {
	readonly http: ScimHttp;
	/** Every task that failed, oldest first. */
	readonly failedTasks: FailedTask[] = [];
	/** Failed tasks still waiting for Retry, by object: Okta sends nothing more for that object until then. */
	readonly openTasks = new Map<string, FailedTask>();
	readonly systemLog: SystemLogEvent[] = [];
	readonly #clock: Clock;
	#nextId = 1;
	#message = "";
	#described = false;

	constructor(options: OktaClientOptions) {
		this.#clock = options.clock;
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

	/**
	 * Runs one task unless the object has a failed task waiting for Retry; a {@link fail} inside it lands
	 * in {@link failedTasks} and {@link openTasks}, anything else propagates. A task that sent requests
	 * or failed writes a System Log event.
	 */
	async task(task: string, objectId: string, work: () => Promise<void>): Promise<void> {
		if (this.openTasks.has(objectId)) return;
		const first = this.http.exchanges.length;
		this.#message = task;
		this.#described = false;
		try {
			await work();
		} catch (error) {
			if (!(error instanceof TaskFailed)) throw error;
			const failed: FailedTask = {
				id: this.#nextId++,
				at: this.#clock.now(),
				task,
				objectId,
				reason: error.message,
			};
			this.failedTasks.push(failed);
			this.openTasks.set(objectId, failed);
			this.#logEvent(task, objectId, first, "FAILURE", error.message);
			return;
		}
		if (this.http.exchanges.length > first) this.#logEvent(task, objectId, first, "SUCCESS", undefined);
	}

	/** Names the running task's System Log event by what it turned out to do ("Deactivate user in app"). */
	describe(message: string): void {
		this.#message = this.#described ? `${this.#message}; ${message}` : message;
		this.#described = true;
	}

	/** Takes a failed task off the Tasks list (before Retry runs it again, or on Dismiss). */
	release(taskId: number): FailedTask | undefined {
		for (const [objectId, task] of this.openTasks) {
			if (task.id === taskId) {
				this.openTasks.delete(objectId);
				return task;
			}
		}
		return undefined;
	}

	#logEvent(
		task: string,
		objectId: string,
		firstExchange: number,
		outcome: SystemLogEvent["outcome"],
		reason: string | undefined,
	): void {
		this.systemLog.push({
			id: this.#nextId++,
			at: this.#clock.now(),
			displayMessage: this.#message || task,
			task,
			objectId,
			outcome,
			reason,
			steps: this.http.exchanges.slice(firstExchange),
		});
		if (this.systemLog.length > MAX_LOG_EVENTS)
			this.systemLog.splice(0, this.systemLog.length - MAX_LOG_EVENTS);
	}

	/** Ends the running task with Okta's message and the exchange that caused it. */
	fail(reason: string, exchange: Exchange): never {
		throw new TaskFailed(
			`${reason}: ${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`,
		);
	}

	/**
	 * One request under Okta's 429 policy: an integer `Retry-After` is honoured, anything else waits 5 min,
	 * each wait at least doubles the previous one, and the task fails after 10 attempts. A 5xx, a refused
	 * token, a timeout or a failed connection fail the task too.
	 */
	async send(method: string, path: string, body?: unknown): Promise<Exchange> {
		let wait = 0;
		for (let attempt = 1; ; attempt++) {
			let exchange: Exchange;
			try {
				exchange = await this.http.send(method, path, body);
			} catch (error) {
				if (error instanceof TransportFailure) throw new TaskFailed(`${error.code}: ${error.message}`);
				throw error;
			}
			if (exchange.status >= 500) this.fail("The app answered with a server error", exchange);
			if (exchange.status === 401 || exchange.status === 403)
				this.fail("Authentication failed: the app refused the API token", exchange);
			if (exchange.status !== 429) return exchange;
			if (attempt >= OKTA_MAX_ATTEMPTS)
				this.fail(`Rate limit: gave up after ${OKTA_MAX_ATTEMPTS} attempts`, exchange);
			const advised = retryAfterSeconds(exchange);
			const base = advised === undefined ? OKTA_DEFAULT_RETRY_MS : advised * 1000;
			wait = Math.max(base, wait * 2);
			await this.#clock.sleep(wait);
		}
	}

	/** "Import Now": pages through `/Users` or `/Groups` with `count=100`, checking that paging is exact. */
	async importAll(kind: "Users" | "Groups"): Promise<JsonObject[]> {
		const seen = new Map<string, JsonObject>();
		let total = Number.POSITIVE_INFINITY;
		for (let startIndex = 1; startIndex <= total; startIndex += PAGE) {
			const page = await this.send("GET", `/${kind}?startIndex=${startIndex}&count=${PAGE}`);
			const list = checkListResponse(page, "Import failed");
			if (page.body?.startIndex !== startIndex)
				throw new IdpCheckFailure("Import failed", "startIndex not echoed", page);
			total = list.totalResults;
			if (list.resources.length === 0 && startIndex <= total) {
				throw new IdpCheckFailure("Import failed", "an empty page before totalResults", page);
			}
			for (const resource of list.resources) {
				if (kind === "Users") checkOktaUser(resource, page);
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
}
