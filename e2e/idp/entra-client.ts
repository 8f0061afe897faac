import {
	checkActiveBoolean,
	checkManagerShape,
	checkPatchAnswer,
	IdpCheckFailure,
	retryAfterSeconds,
} from "./checks.ts";
import type { Clock } from "./clock.ts";
import { EntraEscrow, type EscrowCode } from "./entra-escrow.ts";
import { type Op, opName } from "./entra-mapping.ts";
import {
	type Exchange,
	encodeFilter,
	type FetchLike,
	type JsonObject,
	ScimHttp,
	TransportFailure,
} from "./http.ts";
import { PATCH_OP } from "./urns.ts";

/** Entra's provisioning-log code for an answer it cannot use. */
export const INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible";

/** A recorded (not thrown) outcome, as Entra's provisioning log keeps it: `EntryConflict`, `InvalidAnchor`, … */
export interface ProvisioningEvent {
	code: EscrowCode | "InvalidAnchor";
	objectId: string;
	detail: string;
	at: number;
}

/** The actions Entra's provisioning log shows. */
export type LogAction = "Create" | "Update" | "Disable" | "Delete" | "Other";

/** One row of the provisioning log as the admin center shows it, with the requests behind it ("steps"). */
export interface ProvisioningLogEntry {
	id: number;
	at: number;
	/** The cycle that ran it, or `on-demand`. */
	cycleId: string;
	action: LogAction;
	objectType: "User" | "Group";
	/** The directory object: its id and display name (UPN for users). */
	sourceId: string;
	sourceName: string;
	/** Roster's id, once known. */
	targetId: string | undefined;
	status: "Success" | "Failure" | "Skipped";
	errorCode: string | undefined;
	/** Entra's message for a failure, or the skip reason. */
	message: string | undefined;
	steps: Exchange[];
}

/** What one operation of a cycle is about; `action` and `targetId` may be refined while it runs. */
export interface OperationRow {
	key: string;
	action: LogAction;
	objectType: "User" | "Group";
	sourceId: string;
	sourceName: string;
	targetId?: string;
}

/** A cached Roster id; `lost` once a 404 showed it gone (Entra never looks it up again). */
export interface Anchor {
	rosterId: string;
	lost: boolean;
}

/**
 * A call that failed in a way Entra retries in later cycles (entra.md §4): the operation goes into
 * escrow. Thrown by {@link EntraClient.send}, caught by {@link EntraClient.operation}.
 */
export class EscrowedFailure extends Error {
	constructor(
		readonly code: EscrowCode,
		readonly exchange: Exchange | undefined,
		detail: string,
	) {
		super(detail);
		this.name = "EscrowedFailure";
	}
}

/** The cap on kept log rows, so a tenant left running for days keeps a bounded log. */
const MAX_LOG_ENTRIES = 20_000;

export interface EntraClientOptions {
	flag: boolean;
	clock: Clock;
	baseUrl: string;
	token: string;
	fetch: FetchLike;
}

/** The HTTP reason phrase Entra prints in a failure message ("StatusCode: Conflict"). */
function statusName(status: number): string {
	const names: Record<number, string> = {
		400: "BadRequest",
		401: "Unauthorized",
		403: "Forbidden",
		409: "Conflict",
		429: "TooManyRequests",
		500: "InternalServerError",
		502: "BadGateway",
		503: "ServiceUnavailable",
		504: "GatewayTimeout",
	};
	return names[status] ?? String(status);
}

/** The escrow code for an answer Entra retries later, or undefined for one the caller handles. */
function failureCode(status: number): EscrowCode | undefined {
	if (status === 401 || status === 403) return "Unauthorized";
	if (status === 409) return "EntryConflict";
	if (status === 429) return "TooManyRequests";
	if (status >= 500) return "ServerError";
	if (status >= 400 && status !== 404) return "BadRequest";
	return undefined;
}

/**
 * Entra's side of the wire, shared by the user and group passes of a cycle: the Tenant URL (with or
 * without `aadOptscim062020`), the dialect's filter encoding and op names, 429 retries, the id cache's
 * PATCH/DELETE that turn a 404 into `InvalidAnchor`, and the per-operation wrapper that writes the
 * provisioning log and keeps failed operations in {@link EntraEscrow}.
 */
export class EntraClient {
	readonly http: ScimHttp;
	readonly log: ProvisioningEvent[] = [];
	readonly entries: ProvisioningLogEntry[] = [];
	readonly escrow: EntraEscrow;
	/** The cycle id stamped on log rows. */
	cycleId = "";
	/** Operations and failed operations since {@link startCounting}, for the quarantine rule. */
	counts = { operations: 0, failures: 0, unauthorized: 0 };
	#flag: boolean;
	#nextEntryId = 1;
	readonly #clock: Clock;

	constructor(options: EntraClientOptions) {
		this.#flag = options.flag;
		this.#clock = options.clock;
		this.escrow = new EntraEscrow(options.clock);
		this.http = new ScimHttp({
			baseUrl: options.baseUrl,
			token: options.token,
			fetch: options.fetch,
			headers: (_method, hasBody) =>
				hasBody ? { "Content-Type": "application/scim+json; charset=utf-8" } : ({} as Record<string, string>),
			...(options.flag ? { extraQuery: "aadOptscim062020" } : {}),
		});
	}

	/** Whether requests take the `aadOptscim062020` shapes right now (never for on-demand provisioning). */
	get flag(): boolean {
		return this.#flag;
	}

	/** Runs `work` with the legacy shapes, as "Provision on demand" does even on a flagged Tenant URL. */
	async legacyDialect<T>(work: () => Promise<T>): Promise<T> {
		const flag = this.#flag;
		this.#flag = false;
		try {
			return await work();
		} finally {
			this.#flag = flag;
		}
	}

	/** `filter=` with spaces as the dialect sends them: `%20` with the flag, `+` without. */
	filter(expression: string): string {
		return encodeFilter(expression, this.#flag ? "%20" : "+");
	}

	/** An op name in the dialect's spelling ({@link opName}). */
	op(name: "add" | "replace" | "remove"): string {
		return opName(name, this.#flag);
	}

	startCounting(): void {
		this.counts = { operations: 0, failures: 0, unauthorized: 0 };
	}

	/** Keeps an outcome in the event list, stamped with the clock. */
	record(
		code: ProvisioningEvent["code"],
		objectId: string,
		exchange: Exchange | undefined,
		detail = "",
	): void {
		this.log.push({
			code,
			objectId,
			detail: exchange
				? `${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 200)}`
				: detail,
			at: this.#clock.now(),
		});
	}

	/**
	 * One request: a 429 is logged and retried after `Retry-After` (60 s by default), 5 attempts in all;
	 * 401/403, 409, other 4xx but 404, 5xx, a 429 after the last attempt, a timeout or a failed connection
	 * throw an {@link EscrowedFailure}.
	 */
	async send(method: string, path: string, body?: unknown, objectId = ""): Promise<Exchange> {
		for (let attempt = 1; ; attempt++) {
			let exchange: Exchange;
			try {
				exchange = await this.http.send(method, path, body);
			} catch (error) {
				if (error instanceof TransportFailure) {
					throw new EscrowedFailure(
						error.code === "Timeout" ? "Timeout" : "ConnectionFailure",
						error.exchange,
						error.message,
					);
				}
				throw error;
			}
			if (exchange.status === 429 && attempt < 5) {
				this.record("TooManyRequests", objectId, exchange);
				await this.#clock.sleep((retryAfterSeconds(exchange) ?? 60) * 1000);
				continue;
			}
			const code = failureCode(exchange.status);
			if (code) throw new EscrowedFailure(code, exchange, `${method} ${path} → ${exchange.status}`);
			return exchange;
		}
	}

	/**
	 * Runs one operation of a cycle (create, update, delete … of one object) unless its escrow entry is
	 * not yet due; writes its provisioning-log row; an {@link EscrowedFailure} goes into escrow (with
	 * Entra's message) instead of ending the cycle. `force` runs it regardless of escrow (on demand).
	 * Returns whether it succeeded.
	 */
	async operation(row: OperationRow, work: () => Promise<void>, force = false): Promise<boolean> {
		if (!force && !this.escrow.isDue(row.key)) return false;
		const firstExchange = this.http.exchanges.length;
		const firstEvent = this.log.length;
		this.counts.operations++;
		try {
			await work();
		} catch (error) {
			if (error instanceof EscrowedFailure) {
				this.counts.failures++;
				if (error.code === "Unauthorized") this.counts.unauthorized++;
				this.record(error.code, row.sourceId, error.exchange, error.message);
				const entry = this.escrow.fail(row, error.code);
				this.#write(row, firstExchange, "Failure", error.code, this.#failureMessage(error, entry));
				return false;
			}
			const code = error instanceof IdpCheckFailure ? error.code : "Error";
			this.#write(
				row,
				firstExchange,
				"Failure",
				code,
				error instanceof Error ? error.message : String(error),
			);
			throw error;
		}
		this.escrow.succeed(row.key);
		const lost = this.log.slice(firstEvent).find((event) => event.code === "InvalidAnchor");
		if (lost) {
			this.#write(
				row,
				firstExchange,
				"Failure",
				"InvalidAnchor",
				"The object was deleted in the target app; it is no longer provisioned until the job is restarted.",
			);
			return false;
		}
		this.#write(row, firstExchange, "Success", undefined, undefined);
		return true;
	}

	/** A "Skipped" row, e.g. on-demand provisioning of a user who is not in scope. */
	skipped(row: OperationRow, reason: string): void {
		this.#write(row, this.http.exchanges.length, "Skipped", undefined, reason);
	}

	#failureMessage(
		error: EscrowedFailure,
		entry: { failures: number; nextAttemptAt: number | undefined },
	): string {
		const exchange = error.exchange;
		const what = exchange
			? `StatusCode: ${statusName(exchange.status)} Message: Processing of the HTTP request resulted in an exception. Web Response: ${exchange.text.slice(0, 500)}.`
			: `Message: ${error.message}.`;
		const retries = `This operation was retried ${entry.failures - 1} times.`;
		const next =
			entry.nextAttemptAt === undefined
				? "It will not be retried until provisioning is restarted."
				: `It will be retried again after this date: ${new Date(entry.nextAttemptAt).toISOString()} UTC`;
		return `${what} ${retries} ${next}`;
	}

	#write(
		row: OperationRow,
		firstExchange: number,
		status: ProvisioningLogEntry["status"],
		errorCode: string | undefined,
		message: string | undefined,
	): void {
		this.entries.push({
			id: this.#nextEntryId++,
			at: this.#clock.now(),
			cycleId: this.cycleId,
			action: row.action,
			objectType: row.objectType,
			sourceId: row.sourceId,
			sourceName: row.sourceName,
			targetId: row.targetId,
			status,
			errorCode,
			message,
			steps: this.http.exchanges.slice(firstExchange),
		});
		if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
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
		const body = checkPatchAnswer(exchange, INCOMPATIBLE);
		if (body && kind === "Users") this.checkUser(body, exchange);
		return true;
	}

	/** Deletes a cached id; a 404 marks the anchor lost (recorded), 200/204 are accepted. */
	async delete(kind: "Users" | "Groups", anchor: Anchor, objectId: string) {
		const exchange = await this.send("DELETE", `/${kind}/${anchor.rosterId}`, undefined, objectId);
		if (exchange.status === 404) {
			anchor.lost = true;
			this.record("InvalidAnchor", objectId, exchange);
		} else if (exchange.status !== 204 && exchange.status !== 200) {
			throw new IdpCheckFailure(INCOMPATIBLE, "DELETE must answer 204", exchange);
		}
	}
}
