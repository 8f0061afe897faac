import { checkListResponse, IdpCheckFailure, retryAfterSeconds } from "./checks.ts";
import { type FakeClock, MINUTE } from "./clock.ts";
import { type Exchange, type FetchLike, type JsonObject, ScimHttp } from "./http.ts";
import { checkOktaUser } from "./okta-profile.ts";

export const OKTA_USER_AGENT = "Okta SCIM Client 1.0.0";
/** Okta's 429 policy (okta.md §4): a missing or non-integer Retry-After means 5 minutes; 10 attempts in all. */
export const OKTA_DEFAULT_RETRY_MS = 5 * MINUTE;
export const OKTA_MAX_ATTEMPTS = 10;
/** The `count` Okta asks for on every list, lookup and import page. */
export const PAGE = 100;

/** A task that ended in Okta's Tasks list instead of completing. */
export interface FailedTask {
	task: string;
	objectId: string;
	reason: string;
}

export interface OktaClientOptions {
	clock: FakeClock;
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
	readonly failedTasks: FailedTask[] = [];
	readonly #clock: FakeClock;

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

	/** Runs one task; a {@link fail} inside it lands in {@link failedTasks}, anything else propagates. */
	async task(task: string, objectId: string, work: () => Promise<void>): Promise<void> {
		try {
			await work();
		} catch (error) {
			if (!(error instanceof TaskFailed)) throw error;
			this.failedTasks.push({ task, objectId, reason: error.message });
		}
	}

	/** Ends the running task with Okta's message and the exchange that caused it. */
	fail(reason: string, exchange: Exchange): never {
		throw new TaskFailed(
			`${reason}: ${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`,
		);
	}

	/**
	 * One request under Okta's 429 policy: an integer `Retry-After` is honoured, anything else waits 5 min,
	 * each wait at least doubles the previous one, and the task fails after 10 attempts.
	 */
	async send(method: string, path: string, body?: unknown): Promise<Exchange> {
		let wait = 0;
		for (let attempt = 1; ; attempt++) {
			const exchange = await this.http.send(method, path, body);
			if (exchange.status >= 500) throw new IdpCheckFailure("ServerError", "5xx answer", exchange);
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
