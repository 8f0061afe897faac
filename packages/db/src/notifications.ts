import postgres from "postgres";
import { handleInternals, withTimeout } from "./client.ts";
import type { DatabaseHandle } from "./types.ts";

/** The channel the credential triggers (migration 0013) notify, with the organization id as payload. */
export const CREDENTIALS_CHANNEL = "roster_credentials";

/** The organization a TRUNCATE of one of the credential tables names: all of them. */
export const EVERY_ORGANIZATION = "*";

/**
 * The organization a credential notification names; its payload is "<organization id> <transaction id>"
 * (migration 0013). Anything else names every organization, so an unexpected payload empties a cache.
 */
export function notifiedOrganization(payload: string): string {
	const space = payload.indexOf(" ");
	return space > 0 ? payload.slice(0, space) : EVERY_ORGANIZATION;
}

/** Payloads remembered to drop repeated deliveries (the listener and pool connections hear the same one). */
const REMEMBERED_PAYLOADS = 1_024;

const CONNECT_TIMEOUT_SECONDS = 5;
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * What a subscriber hears: each payload once (a repeat of one of the last 1,024 is dropped: it was sent
 * by a commit already heard, so whatever was read since is newer), and every change of `connected`.
 */
export interface ChangeSubscriber {
	onNotification(payload: string): void;
	onConnectionChange(connected: boolean): void;
}

/**
 * The notifications of one channel, shared by every subscriber of a handle. `connected` is true only while
 * the channel is subscribed: then every transaction that notifies it and commits from now on is delivered.
 */
export interface ChangeFeed {
	readonly connected: boolean;
	/** Subscribes; the returned function unsubscribes (the last one out closes the connection). */
	subscribe(subscriber: ChangeSubscriber): () => void;
}

const feeds = new WeakMap<DatabaseHandle, Map<string, ChangeFeed>>();

/**
 * The feed of `channel` on the database of `handle`, started by its first subscriber and closed by its
 * last or with the handle. On PostgreSQL it is its own connection (`LISTEN`), checked every 5 s and
 * re-established after a loss; on PGlite it is the instance's in-process `listen`. On PostgreSQL the
 * handle's pool connections are heard too: a session that wrote a credential table listens from then on
 * (migration 0013), so this process's own writes are heard before their COMMIT returns. A handle that
 * `createDatabase` did not make (a test's copy) gets a feed that is never connected.
 */
export function changeFeed(handle: DatabaseHandle, channel: string): ChangeFeed {
	let byChannel = feeds.get(handle);
	if (!byChannel) {
		byChannel = new Map();
		feeds.set(handle, byChannel);
	}
	let feed = byChannel.get(channel);
	if (!feed) {
		feed = new SharedFeed(handle, channel);
		byChannel.set(channel, feed);
	}
	return feed;
}

interface Listening {
	close(): Promise<void>;
}

class SharedFeed implements ChangeFeed {
	readonly #handle: DatabaseHandle;
	readonly #channel: string;
	readonly #subscribers = new Set<ChangeSubscriber>();
	#connected = false;
	readonly #seen = new Set<string>();
	#listening: Listening | undefined;
	#closeHook: (() => Promise<void>) | undefined;
	#poolNotify: ((channel: string, payload: string) => void) | undefined;

	constructor(handle: DatabaseHandle, channel: string) {
		this.#handle = handle;
		this.#channel = channel;
	}

	get connected(): boolean {
		return this.#connected;
	}

	subscribe(subscriber: ChangeSubscriber): () => void {
		this.#subscribers.add(subscriber);
		if (this.#subscribers.size === 1) this.#start();
		return () => {
			if (!this.#subscribers.delete(subscriber)) return;
			if (this.#subscribers.size === 0) void this.#stop();
		};
	}

	#start(): void {
		let internals: ReturnType<typeof handleInternals>;
		try {
			internals = handleInternals(this.#handle);
		} catch {
			return;
		}
		const events = {
			notify: (payload: string) => {
				if (this.#seen.has(payload)) return;
				this.#seen.add(payload);
				if (this.#seen.size > REMEMBERED_PAYLOADS) {
					const oldest = this.#seen.values().next().value;
					if (oldest !== undefined) this.#seen.delete(oldest);
				}
				for (const subscriber of this.#subscribers) subscriber.onNotification(payload);
			},
			connection: (connected: boolean) => {
				if (this.#connected === connected) return;
				this.#connected = connected;
				for (const subscriber of this.#subscribers) subscriber.onConnectionChange(connected);
			},
		};
		this.#listening =
			internals.kind === "postgres"
				? listenPostgres(internals.url, this.#channel, events)
				: listenPglite(internals.client, this.#channel, events);
		const poolNotify = (notified: string, payload: string) => {
			if (notified === this.#channel) events.notify(payload);
		};
		internals.onNotify.add(poolNotify);
		this.#poolNotify = poolNotify;
		this.#closeHook = () => this.#stop();
		internals.beforeClose.add(this.#closeHook);
	}

	async #stop(): Promise<void> {
		const listening = this.#listening;
		this.#listening = undefined;
		const internals = handleInternals(this.#handle);
		if (this.#closeHook) internals.beforeClose.delete(this.#closeHook);
		if (this.#poolNotify) internals.onNotify.delete(this.#poolNotify);
		this.#closeHook = undefined;
		this.#poolNotify = undefined;
		this.#connected = false;
		await listening?.close();
	}
}

interface FeedEvents {
	notify(payload: string): void;
	connection(connected: boolean): void;
}

type PgliteClient = Extract<ReturnType<typeof handleInternals>, { kind: "pglite" }>["client"];

function listenPglite(client: PgliteClient, channel: string, events: FeedEvents): Listening {
	let closed = false;
	const subscribed = client
		.listen(channel, (payload) => events.notify(payload))
		.then((unlisten) => {
			if (!closed) events.connection(true);
			return unlisten;
		})
		.catch(() => undefined);
	return {
		async close() {
			closed = true;
			events.connection(false);
			const unlisten = await subscribed;
			if (unlisten && !client.closed) await unlisten().catch(() => {});
		},
	};
}

/**
 * A dedicated postgres-js connection that only listens. Any sign of loss (the socket closes, or a
 * heartbeat does not answer within 2 s) reports disconnected at once, drops that client and opens a new
 * one after a back-off; `connected` comes back only once `LISTEN` has succeeded on the new connection.
 * postgres-js's own `sql.listen` re-subscribes once, silently, so it cannot say when it is not listening.
 */
function listenPostgres(url: string, channel: string, events: FeedEvents): Listening {
	let closed = false;
	let current: postgres.Sql | undefined;
	let retryMs = RETRY_MIN_MS;
	let retry: NodeJS.Timeout | undefined;
	const lose = (sql: postgres.Sql) => {
		if (current !== sql) return;
		current = undefined;
		events.connection(false);
		void sql.end({ timeout: 0 }).catch(() => {});
		if (closed) return;
		retry = setTimeout(connect, retryMs);
		retry.unref();
		retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
	};
	const connect = () => {
		retry = undefined;
		const options = {
			max: 1,
			idle_timeout: 0,
			max_lifetime: 0,
			fetch_types: false,
			connect_timeout: CONNECT_TIMEOUT_SECONDS,
			onnotice: () => {},
			connection: { application_name: "roster-listener" },
			onclose: () => lose(sql),
			// Not in postgres-js's types, but the option its own `listen` client is built with.
			onnotify: (notified: string, payload: string) => {
				if (notified === channel) events.notify(payload);
			},
		};
		const sql = postgres(url, options as postgres.Options<Record<string, never>>);
		current = sql;
		sql
			.unsafe(`listen "${channel.replace(/"/g, '""')}"`)
			.then(() => {
				if (current !== sql) return;
				retryMs = RETRY_MIN_MS;
				events.connection(true);
			})
			.catch(() => lose(sql));
	};
	const heartbeat = setInterval(() => {
		const sql = current;
		if (!sql) return;
		withTimeout(sql`select 1`, HEARTBEAT_TIMEOUT_MS).catch(() => lose(sql));
	}, HEARTBEAT_MS);
	heartbeat.unref();
	connect();
	return {
		async close() {
			closed = true;
			clearInterval(heartbeat);
			clearTimeout(retry);
			const sql = current;
			current = undefined;
			events.connection(false);
			await sql?.end({ timeout: 1 }).catch(() => {});
		},
	};
}
