import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lockDataDirectory } from "./directory-lock.ts";
import { DatabaseError } from "./errors.ts";
import { PreparePolicy, type StatementObserver, withPreparePolicy } from "./prepared.ts";
import * as schema from "./schema/index.ts";
import type { Database, DatabaseHandle } from "./types.ts";
import { parseDatabaseUrl, redactUrl } from "./url.ts";

const CONNECT_TIMEOUT_SECONDS = 5;
const DEFAULT_POOL_SIZE = 10;

/** What `migrate()` needs beyond the public handle; kept out of the interface so callers cannot misuse it. */
export type HandleInternals = (
	| { kind: "postgres"; url: string; queue: Promise<void>; prepares: PreparePolicy; observable: boolean }
	| { kind: "pglite"; client: PGlite; queue: Promise<void> }
) & {
	/** Run by `close()` before the driver closes: what else holds a connection of this handle (listeners). */
	beforeClose: Set<() => Promise<void>>;
	/** Told of every notification a pool connection receives (PostgreSQL; see `notifications.ts`). */
	onNotify: Set<(channel: string, payload: string) => void>;
};

const internals = new WeakMap<DatabaseHandle, HandleInternals>();

/** Looks up the driver-level details of a handle created by `createDatabase`. */
export function handleInternals(handle: DatabaseHandle): HandleInternals {
	const found = internals.get(handle);
	if (!found) throw new DatabaseError("Not a database handle created by createDatabase()");
	return found;
}

/**
 * Calls `observer` for every statement a PostgreSQL handle's connections send until the returned function
 * is called (tests count statements and round trips with it); a PGlite handle has nothing to observe. The
 * handle must have been opened `observable`.
 */
export function observeStatements(handle: DatabaseHandle, observer: StatementObserver): () => void {
	const found = handleInternals(handle);
	if (found.kind !== "postgres") return () => {};
	if (!found.observable) throw new DatabaseError("This database handle was not opened observable");
	found.prepares.observer = observer;
	return () => {
		found.prepares.observer = undefined;
	};
}

/**
 * Opens the database a URL names (see `parseDatabaseUrl`) and proves it answers before returning,
 * so a wrong URL fails at start-up with a one-line `DatabaseError` instead of on the first request.
 * `observable` (tests) lets `observeStatements` see every statement: it turns on postgres-js's debug
 * mode, which costs a captured stack trace per query and makes a failed query's parameters enumerable
 * on its error, so the server never sets it.
 */
export async function createDatabase(
	url: string,
	options: { poolSize?: number; observable?: boolean; pgliteImage?: Blob } = {},
): Promise<DatabaseHandle> {
	const target = parseDatabaseUrl(url);
	if (target.kind === "postgres") {
		return openPostgres(target.url, options.poolSize ?? DEFAULT_POOL_SIZE, options.observable ?? false);
	}
	return openPglite(target.dataDir, options.pgliteImage);
}

async function openPostgres(url: string, poolSize: number, observable: boolean): Promise<DatabaseHandle> {
	const safeUrl = redactUrl(url);
	const prepares = new PreparePolicy();
	const onNotify = new Set<(channel: string, payload: string) => void>();
	const client = postgres(url, {
		...notificationsTo(onNotify),
		max: poolSize,
		connect_timeout: CONNECT_TIMEOUT_SECONDS,
		onnotice: () => {},
		// JIT off: Roster sends short OLTP statements, and a stale row estimate (a bulk recompute leaves
		// 100,000s of dead rows) pushed a userName lookup past jit_above_cost — 60 ms compiling for a
		// 1 ms query (decision 0225).
		connection: { application_name: "roster", jit: "off" },
		types: { int8: { to: 20, from: [20], serialize: String, parse: parseInt8 } },
		...(observable
			? {
					debug: (connection: number, text: string, parameters: unknown[]) =>
						prepares.observer?.({
							connection,
							text,
							prepared: prepares.isPrepared(text),
							parameters: parameters.length,
						}),
				}
			: {}),
	});
	const db = drizzlePostgres({ client: withPreparePolicy(client, prepares), schema, casing: "snake_case" });
	const ping = () => selectOne(db);
	try {
		await withTimeout(ping(), CONNECT_TIMEOUT_SECONDS * 1000);
	} catch (error) {
		await client.end({ timeout: 0 }).catch(() => {});
		throw new DatabaseError(`Cannot connect to PostgreSQL at ${safeUrl}: ${oneLine(error)}`);
	}
	const beforeClose = new Set<() => Promise<void>>();
	const handle: DatabaseHandle = {
		db,
		kind: "postgres",
		url: safeUrl,
		ping,
		close: once(async () => {
			await closeAll(beforeClose);
			await client.end({ timeout: 5 });
		}),
	};
	internals.set(handle, {
		kind: "postgres",
		url,
		queue: Promise.resolve(),
		prepares,
		observable,
		beforeClose,
		onNotify,
	});
	return handle;
}

/** `image`, a `dumpDataDir` tarball, is the data a new database starts with (tests start from a template). */
async function openPglite(dataDir: string | null, image?: Blob): Promise<DatabaseHandle> {
	const releaseLock = dataDir === null ? () => {} : lockDataDirectory(dataDir);
	let client: PGlite;
	try {
		if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
		client = await PGlite.create({
			...(dataDir === null ? {} : { dataDir }),
			loadDataDir: image,
			// The extensions the migrations create; PGlite ships each as a separate build.
			extensions: { pg_trgm },
		});
	} catch (error) {
		releaseLock();
		const where = dataDir === null ? "in memory" : `in ${dataDir}`;
		throw new DatabaseError(`Cannot open PGlite ${where}: ${oneLine(error)}`);
	}
	const db = drizzlePglite({ client, schema, casing: "snake_case" });
	const beforeClose = new Set<() => Promise<void>>();
	const handle: DatabaseHandle = {
		db,
		kind: "pglite",
		url: dataDir === null ? "memory://" : `pglite://${dataDir}`,
		ping: () => selectOne(db),
		close: once(async () => {
			try {
				await closeAll(beforeClose);
				if (!client.closed) await client.close();
			} finally {
				releaseLock();
			}
		}),
	};
	internals.set(handle, {
		kind: "pglite",
		client,
		queue: Promise.resolve(),
		beforeClose,
		onNotify: new Set(),
	});
	return handle;
}

/** Reads int8 the way PGlite does (a number when safe, else a bigint) so raw rows match across drivers. */
function parseInt8(value: string): number | bigint {
	const asNumber = Number(value);
	return Number.isSafeInteger(asNumber) ? asNumber : BigInt(value);
}

async function selectOne(db: Database): Promise<void> {
	await db.execute(sql`select 1`);
}

/** postgres-js's `onnotify` option (used by its own `listen`, missing from its types), fanned out to `handlers`. */
function notificationsTo(handlers: Set<(channel: string, payload: string) => void>): object {
	return {
		onnotify: (channel: string, payload: string) => {
			for (const handler of handlers) handler(channel, payload);
		},
	};
}

async function closeAll(closers: Set<() => Promise<void>>): Promise<void> {
	await Promise.allSettled([...closers].map((close) => close()));
}

function once(action: () => Promise<void>): () => Promise<void> {
	let running: Promise<void> | undefined;
	return () => {
		running ??= action();
		return running;
	};
}

/** `promise`, or a rejection once `ms` have passed without it settling (the timer is always cleared). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * First line of an error's message, so driver errors fit the one-line operator contract. Drizzle wraps
 * driver errors in "Failed query: …"; the wrapped error says what actually went wrong.
 */
export function oneLine(error: unknown): string {
	const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	const message = root instanceof Error ? root.message : String(root);
	const first = message.split("\n")[0]?.trim();
	if (first) return first;
	const code = (root as { code?: unknown } | null)?.code;
	return typeof code === "string" ? code : "unknown error";
}
