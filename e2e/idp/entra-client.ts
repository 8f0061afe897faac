import {
	checkActiveBoolean,
	checkManagerShape,
	checkPatchAnswer,
	IdpCheckFailure,
	retryAfterSeconds,
} from "./checks.ts";
import type { FakeClock } from "./clock.ts";
import { type Op, opName } from "./entra-mapping.ts";
import { type Exchange, encodeFilter, type FetchLike, type JsonObject, ScimHttp } from "./http.ts";
import { PATCH_OP } from "./urns.ts";

/** Entra's provisioning-log code for an answer it cannot use. */
export const INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible";

/** A recorded (not thrown) outcome, as Entra's provisioning log keeps it: `EntryConflict`, `InvalidAnchor`, … */
export interface ProvisioningEvent {
	code: "EntryConflict" | "InvalidAnchor" | "Unauthorized" | "TooManyRequests";
	objectId: string;
	detail: string;
	at: number;
}

/** A cached Roster id; `lost` once a 404 showed it gone (Entra never looks it up again). */
export interface Anchor {
	rosterId: string;
	lost: boolean;
}

export interface EntraClientOptions {
	flag: boolean;
	clock: FakeClock;
	baseUrl: string;
	token: string;
	fetch: FetchLike;
}

/**
 * Entra's side of the wire, shared by the user and group passes of a cycle: the Tenant URL (with or
 * without `aadOptscim062020`), the dialect's filter encoding and op names, 429 retries, the provisioning
 * log, and the PATCH/DELETE to a cached id that turns a 404 into `InvalidAnchor`.
 */
export class EntraClient {
	readonly http: ScimHttp;
	readonly log: ProvisioningEvent[] = [];
	readonly flag: boolean;
	readonly #clock: FakeClock;

	constructor(options: EntraClientOptions) {
		this.flag = options.flag;
		this.#clock = options.clock;
		this.http = new ScimHttp({
			baseUrl: options.baseUrl,
			token: options.token,
			fetch: options.fetch,
			headers: (_method, hasBody) =>
				hasBody ? { "Content-Type": "application/scim+json; charset=utf-8" } : ({} as Record<string, string>),
			...(options.flag ? { extraQuery: "aadOptscim062020" } : {}),
		});
	}

	/** `filter=` with spaces as the dialect sends them: `%20` with the flag, `+` without. */
	filter(expression: string): string {
		return encodeFilter(expression, this.flag ? "%20" : "+");
	}

	/** An op name in the dialect's spelling ({@link opName}). */
	op(name: "add" | "replace" | "remove"): string {
		return opName(name, this.flag);
	}

	/** Keeps an outcome in the provisioning log, stamped with the fake clock. */
	record(code: ProvisioningEvent["code"], objectId: string, exchange: Exchange): void {
		this.log.push({
			code,
			objectId,
			detail: `${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`,
			at: this.#clock.now(),
		});
	}

	/** One request: a 429 is logged and retried after `Retry-After` (60 s by default), 5 attempts in all; 401/403 are logged. */
	async send(method: string, path: string, body?: unknown, objectId = ""): Promise<Exchange> {
		for (let attempt = 1; ; attempt++) {
			const exchange = await this.http.send(method, path, body);
			if (exchange.status === 429 && attempt < 5) {
				this.record("TooManyRequests", objectId, exchange);
				await this.#clock.sleep((retryAfterSeconds(exchange) ?? 60) * 1000);
				continue;
			}
			if (exchange.status >= 500) throw new IdpCheckFailure("ServerError", "5xx answer", exchange);
			if (exchange.status === 401 || exchange.status === 403) this.record("Unauthorized", objectId, exchange);
			return exchange;
		}
	}

	/** What Entra refuses in a returned user: a non-object manager, a non-boolean active. */
	checkUser(resource: JsonObject, exchange: Exchange): void {
		checkManagerShape(resource, INCOMPATIBLE, exchange);
		checkActiveBoolean(resource, INCOMPATIBLE, exchange);
	}

	/** Sends a PATCH to a cached id; `false` when the anchor turned out to be gone (recorded). */
	async patch(kind: "Users" | "Groups", anchor: Anchor, objectId: string, ops: Op[]) {
		const exchange = await this.send(
			"PATCH",
			`/${kind}/${anchor.rosterId}`,
			{ schemas: [PATCH_OP], Operations: ops },
			objectId,
		);
		if (exchange.status === 404) {
			anchor.lost = true;
			this.record("InvalidAnchor", objectId, exchange);
			return false;
		}
		if (exchange.status === 401 || exchange.status === 403) return false;
		const body = checkPatchAnswer(exchange, INCOMPATIBLE);
		if (body && kind === "Users") this.checkUser(body, exchange);
		return true;
	}

	/** Deletes a cached id; a 404 marks the anchor lost (recorded), 200/204/401/403 are accepted. */
	async delete(kind: "Users" | "Groups", anchor: Anchor, objectId: string) {
		const exchange = await this.send("DELETE", `/${kind}/${anchor.rosterId}`, undefined, objectId);
		if (exchange.status === 404) {
			anchor.lost = true;
			this.record("InvalidAnchor", objectId, exchange);
		} else if (
			exchange.status !== 204 &&
			exchange.status !== 200 &&
			exchange.status !== 401 &&
			exchange.status !== 403
		) {
			throw new IdpCheckFailure(INCOMPATIBLE, "DELETE must answer 204", exchange);
		}
	}
}
