import { type Database, type NewProvisioningLogEntry, provisioningLog, scimTokens } from "@roster/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";

/** Rows kept while the database is unavailable; past this the oldest request-log rows are dropped. */
const MAX_PENDING_ROWS = 50_000;

/**
 * Everything SCIM requests record that need not be on their own path: provisioning-log rows and token
 * last-use. Both are buffered and written in batches at least every `flushIntervalMs` and at shutdown,
 * so a crash loses at most the last interval of request log, never an audit event (those are written in
 * each request's own transaction).
 */
export class ActivityRecorder {
	readonly #db: Database;
	readonly #logger: Logger;
	#rows: NewProvisioningLogEntry[] = [];
	#tokenUse = new Map<string, { at: Date; ip: string | undefined }>();
	#timer: NodeJS.Timeout | undefined;
	#flushing: Promise<void> | undefined;

	constructor(options: { db: Database; logger: Logger; flushIntervalMs?: number }) {
		this.#db = options.db;
		this.#logger = options.logger;
		this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
		this.#timer.unref();
	}

	log(row: NewProvisioningLogEntry): void {
		this.#rows.push(row);
		if (this.#rows.length > MAX_PENDING_ROWS) this.#rows.splice(0, this.#rows.length - MAX_PENDING_ROWS);
	}

	touchToken(tokenId: string, ip: string | undefined): void {
		this.#tokenUse.set(tokenId, { at: new Date(), ip });
	}

	/** Writes what is buffered; concurrent calls share one write. */
	flush(): Promise<void> {
		this.#flushing ??= this.#write().finally(() => {
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

	async #write(): Promise<void> {
		const rows = this.#rows;
		const tokenUse = this.#tokenUse;
		this.#rows = [];
		this.#tokenUse = new Map();
		try {
			for (let i = 0; i < rows.length; i += 500) {
				await this.#db.insert(provisioningLog).values(rows.slice(i, i + 500));
			}
		} catch (error) {
			this.#logger.error({ err: error, rows: rows.length }, "provisioning log write failed; will retry");
			this.#rows = [...rows, ...this.#rows];
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
