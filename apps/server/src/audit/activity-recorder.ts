import { type Database, scimTokens } from "@roster/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import { ACTIVITY_COLUMNS, addActivityOf } from "./activity-rollup.ts";

/**
 * One provisioning-log row. The bodies are already redacted JSON text, so a row is serialised once
 * on the request path and never re-encoded by the batch insert.
 */
export interface RequestRecord {
	orgId: string;
	connectionId: string | null;
	occurredAt: Date;
	method: string;
	path: string;
	status: number;
	durationMs: number;
	scimType: string | null;
	requestId: string | null;
	quirks: string[];
	requestBodyJson: string;
	responseBodyJson: string;
}

/** Rows per insert statement: bounds a statement's size (bodies are capped at 16 KiB each). */
const ROWS_PER_INSERT = 500;

/**
 * Buffered rows that start a write without waiting for the interval: at an IdP's pace (1,500 requests a
 * second) a once-a-second batch is 2 MB of JSON built and sent in one go, an event-loop stall every
 * request in flight waits out (decision 0206); 200 rows is ~0.15 MB.
 */
const FLUSH_AT_ROWS = 200;

function recordJson(row: RequestRecord): string {
	const columns = JSON.stringify({
		org_id: row.orgId,
		connection_id: row.connectionId,
		occurred_at: row.occurredAt.toISOString(),
		method: row.method,
		path: row.path,
		status: row.status,
		duration_ms: row.durationMs,
		scim_type: row.scimType,
		request_id: row.requestId,
		quirks: row.quirks,
	});
	return `${columns.slice(0, -1)},"request_body":${row.requestBodyJson},"response_body":${row.responseBodyJson}}`;
}

const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * jsonb refuses U+0000 and lone surrogates, which JSON.stringify writes as `\u` escapes; a request that
 * carried one (refused with 400, or stored with U+FFFD by the driver) is still logged, with U+FFFD in their place.
 */
function storableJson(json: string): string {
	return json.includes("\\u") ? json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd") : json;
}

/**
 * A batch of rows as one statement with one parameter: building a multi-row insert value by value costs
 * the server more CPU than the requests it records. The same statement adds the batch to the hourly
 * rollup the dashboard reads, so the log and its counts commit together or not at all.
 */
function insertRecords(rows: readonly string[]) {
	const batch = `[${rows.join(",")}]`;
	return sql`with logged as (
			insert into provisioning_log (org_id, connection_id, occurred_at, method, path, status, duration_ms, scim_type, request_id, quirks, request_body, response_body)
			select org_id, connection_id, occurred_at, method, path, status, duration_ms, scim_type, request_id, quirks, request_body, response_body
			from jsonb_to_recordset(${storableJson(batch)}::jsonb) as r(org_id uuid, connection_id uuid, occurred_at timestamptz, method text, path text, status integer, duration_ms integer, scim_type text, request_id text, quirks text[], request_body jsonb, response_body jsonb)
			returning ${ACTIVITY_COLUMNS}
		)
		${addActivityOf(sql.raw("logged"))}`;
}

/** Rows kept while the database is unavailable; past this the oldest request-log rows are dropped. */
const MAX_PENDING_ROWS = 50_000;

/**
 * Everything SCIM requests record that need not be on their own path: provisioning-log rows and token
 * last-use. Both are buffered and written in batches at least every `flushIntervalMs`, as soon as
 * `FLUSH_AT_ROWS` rows wait, and at shutdown, so a crash loses at most the last interval of request log,
 * never an audit event (those are written in each request's own transaction). A row is serialised when
 * logged, so a write only joins text. After a failed write, only the timer retries; token last-use is
 * written by the timer (and at shutdown) alone, one statement a second however busy.
 */
export class ActivityRecorder {
	readonly #db: Database;
	readonly #logger: Logger;
	/** Logged rows as `jsonb_to_recordset` elements (`recordJson`). */
	#rows: string[] = [];
	#failing = false;
	#tokenUse = new Map<string, { at: Date; ip: string | undefined }>();
	#timer: NodeJS.Timeout | undefined;
	#flushing: Promise<void> | undefined;

	constructor(options: { db: Database; logger: Logger; flushIntervalMs?: number }) {
		this.#db = options.db;
		this.#logger = options.logger;
		this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
		this.#timer.unref();
	}

	log(row: RequestRecord): void {
		this.#rows.push(recordJson(row));
		if (this.#rows.length > MAX_PENDING_ROWS) this.#rows.splice(0, this.#rows.length - MAX_PENDING_ROWS);
		if (this.#rows.length >= FLUSH_AT_ROWS && !this.#failing && !this.#flushing) void this.#start(false);
	}

	/** Rows logged and not yet being written: the depth `/metrics` reports. */
	get pendingRows(): number {
		return this.#rows.length;
	}

	touchToken(tokenId: string, ip: string | undefined): void {
		this.#tokenUse.set(tokenId, { at: new Date(), ip });
	}

	/** Writes what is buffered; concurrent calls share one write. */
	flush(): Promise<void> {
		return this.#start(true);
	}

	/** Starts a write unless one runs; token last-use is written by the timer's and shutdown's writes only. */
	#start(withTokenUse: boolean): Promise<void> {
		this.#flushing ??= this.#write(withTokenUse).finally(() => {
			this.#flushing = undefined;
		});
		return this.#flushing;
	}

	/** Stops the timer and writes what is left. */
	async close(): Promise<void> {
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.flush();
		await this.flush();
	}

	async #write(withTokenUse: boolean): Promise<void> {
		const rows = this.#rows;
		const tokenUse = withTokenUse ? this.#tokenUse : new Map<string, never>();
		this.#rows = [];
		if (withTokenUse) this.#tokenUse = new Map();
		let written = 0;
		try {
			for (; written < rows.length; written += ROWS_PER_INSERT) {
				await this.#db.execute(insertRecords(rows.slice(written, written + ROWS_PER_INSERT)));
			}
			this.#failing = false;
		} catch (error) {
			this.#failing = true;
			const pending = rows.slice(written);
			this.#logger.error({ err: error, rows: pending.length }, "provisioning log write failed; will retry");
			this.#rows = [...pending, ...this.#rows];
		}
		if (tokenUse.size === 0) return;
		try {
			const values = sql.join(
				[...tokenUse].map(
					([id, use]) => sql`(${id}::uuid, ${use.at.toISOString()}::timestamptz, ${use.ip ?? null})`,
				),
				sql`, `,
			);
			await this.#db.execute(
				sql`update ${scimTokens} set last_used_at = v.at, last_used_ip = v.ip from (values ${values}) as v(id, at, ip) where ${scimTokens.id} = v.id`,
			);
		} catch (error) {
			this.#logger.error({ err: error }, "token last-use write failed");
		}
	}
}
