import { type ChangeFeed, EVERY_ORGANIZATION, notifiedOrganization } from "@roster/db";

/** Bounds memory: past this many credentials the cache starts over. */
export const MAX_CACHED_CREDENTIALS = 10_000;
/**
 * A second fence behind the notifications: a credential is re-read at least this often even if a
 * notification was lost (a half-open listener connection the 5 s heartbeat has not caught yet). Short
 * enough that such a loss heals in seconds, long enough that a busy token is read ~once per 30 s.
 */
export const CREDENTIAL_TTL_MS = 30_000;

interface Entry<T> {
	value: T;
	orgId: string;
	storedAt: number;
}

/**
 * Resolved credentials (SCIM tokens, app keys) by the HMAC of the secret, never the secret itself. Used
 * only while the change feed (LISTEN on the credential triggers' channel) is connected; a notification
 * drops the entries of the organization it names, a disconnect or a reconnect drops everything, and while
 * disconnected every lookup goes to the database. Only found credentials are stored: unknown ones are
 * always looked up, so a token issued in another process works at once. Callers still check liveness
 * (expiry against the clock, revocation) on every hit.
 */
export class CredentialCache<T> {
	readonly #feed: ChangeFeed;
	readonly #maxEntries: number;
	readonly #ttlMs: number;
	readonly #entries = new Map<string, Entry<T>>();
	/** Bumped by every invalidation: a lookup that started before one must not store what it read. */
	#generation = 0;
	readonly #unsubscribe: () => void;

	constructor(feed: ChangeFeed, options: { maxEntries?: number; ttlMs?: number } = {}) {
		this.#feed = feed;
		this.#maxEntries = options.maxEntries ?? MAX_CACHED_CREDENTIALS;
		this.#ttlMs = options.ttlMs ?? CREDENTIAL_TTL_MS;
		this.#unsubscribe = feed.subscribe({
			onNotification: (payload) => this.#invalidate(notifiedOrganization(payload)),
			onConnectionChange: () => this.#invalidate(EVERY_ORGANIZATION),
		});
	}

	/** Whether lookups are served from memory right now (the feed is connected). */
	get active(): boolean {
		return this.#feed.connected;
	}

	get size(): number {
		return this.#entries.size;
	}

	/**
	 * The credential `hash` names: from memory when cached and younger than the TTL, else from `load`
	 * (stored when found, the feed was connected before the read began and nothing was invalidated since).
	 */
	async resolve(
		hash: string,
		load: () => Promise<T | null>,
		orgOf: (value: T) => string,
		now: number = Date.now(),
	): Promise<T | null> {
		if (!this.#feed.connected) return load();
		const hit = this.#entries.get(hash);
		if (hit) {
			if (now - hit.storedAt < this.#ttlMs) return hit.value;
			this.#entries.delete(hash);
		}
		const generation = this.#generation;
		const value = await load();
		if (value !== null && generation === this.#generation && this.#feed.connected) {
			if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
			this.#entries.set(hash, { value, orgId: orgOf(value), storedAt: now });
		}
		return value;
	}

	/** Whether the credential `hash` names is held right now (diagnostics and tests). */
	has(hash: string): boolean {
		return this.#entries.has(hash);
	}

	/** Drops the entry of one credential (one that no longer checks out, so it is not kept around). */
	forget(hash: string): void {
		this.#entries.delete(hash);
	}

	/** Stops listening and empties the cache. */
	close(): void {
		this.#unsubscribe();
		this.#invalidate(EVERY_ORGANIZATION);
	}

	#invalidate(orgId: string): void {
		this.#generation++;
		if (orgId === EVERY_ORGANIZATION) {
			this.#entries.clear();
			return;
		}
		for (const [hash, entry] of this.#entries) {
			if (entry.orgId === orgId) this.#entries.delete(hash);
		}
	}
}
