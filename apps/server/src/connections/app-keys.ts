import {
	type AppKey,
	appKeys,
	CREDENTIALS_CHANNEL,
	changeFeed,
	type DatabaseHandle,
	type Executor,
	type Organization,
	organizations,
	preparedRead,
} from "@roster/db";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { hashSecret, issueSecret, secretsEqual } from "../security/tokens.ts";
import { CredentialCache } from "./credential-cache.ts";

const APP_KEY_PREFIX = "rst_app_";
const MAX_KEY_LENGTH = 256;
const MAX_NAME_LENGTH = 200;

/** Last use is written at most this often per key, so busy host applications do not write on every call. */
export const APP_KEY_USE_RESOLUTION_MS = 60_000;

/** A key just issued: `key` is the only copy of the secret and must be shown once. */
export interface CreatedAppKey {
	key: string;
	row: AppKey;
}

/** Who an `/api/v1` request acts for, once its application key checks out. */
export interface ResolvedAppKey {
	key: Pick<AppKey, "id" | "orgId" | "name" | "prefix" | "lastUsedAt">;
	organization: Pick<Organization, "id" | "slug">;
}

/**
 * Issues a host-application key for `/api/v1` in `organization`. Only its HMAC is stored; the creation
 * is audited in the caller's transaction. Several keys may share a name, so a key can be rotated by
 * creating the new one before revoking the old ones.
 */
export async function createAppKey(
	db: Executor,
	input: { organization: Organization; name: string; secret: string; actor: string },
): Promise<CreatedAppKey> {
	const name = input.name.trim();
	if (name === "" || name.length > MAX_NAME_LENGTH) {
		throw new OperationError("invalid", `The key name must be 1-${MAX_NAME_LENGTH} characters`);
	}
	const issued = issueSecret("appkey", input.secret);
	const [row] = await db
		.insert(appKeys)
		.values({ orgId: input.organization.id, name, prefix: issued.prefix, keyHash: issued.hash })
		.returning();
	if (!row) throw new Error("insert returned no app key");
	await recordOperatorEvents(db, input.organization.id, { type: "system", name: input.actor }, [
		{
			action: "APP_KEY_CREATED",
			entityType: "AppKey",
			entityId: row.id,
			entityName: name,
			metadata: { prefix: row.prefix },
		},
	]);
	return { key: issued.token, row };
}

/** Revokes every live key named `name` at once (audited); returns how many were revoked. */
export async function revokeAppKeys(
	db: Executor,
	input: { organization: Organization; name: string; actor: string },
): Promise<number> {
	const revoked = await db
		.update(appKeys)
		.set({ revokedAt: new Date() })
		.where(
			and(eq(appKeys.orgId, input.organization.id), eq(appKeys.name, input.name), isNull(appKeys.revokedAt)),
		)
		.returning({ id: appKeys.id, prefix: appKeys.prefix });
	if (revoked.length === 0) {
		throw new OperationError(
			"not_found",
			`No live application key "${input.name}" in organization "${input.organization.slug}"`,
		);
	}
	await recordOperatorEvents(
		db,
		input.organization.id,
		{ type: "system", name: input.actor },
		revoked.map((key) => ({
			action: "APP_KEY_REVOKED",
			entityType: "AppKey",
			entityId: key.id,
			entityName: input.name,
			metadata: { prefix: key.prefix },
		})),
	);
	return revoked.length;
}

function selectKeyByHash(db: Executor) {
	return db
		.select({
			id: appKeys.id,
			orgId: appKeys.orgId,
			name: appKeys.name,
			prefix: appKeys.prefix,
			keyHash: appKeys.keyHash,
			lastUsedAt: appKeys.lastUsedAt,
			revokedAt: appKeys.revokedAt,
			slug: organizations.slug,
		})
		.from(appKeys)
		.innerJoin(organizations, eq(organizations.id, appKeys.orgId))
		.where(eq(appKeys.keyHash, sql.placeholder("hash")))
		.limit(1)
		.prepare("roster_app_key_by_hash");
}

/** A live key as cached: its stored HMAC (compared in constant time on every hit) and what it resolves to. */
interface CachedAppKey {
	keyHash: string;
	resolved: ResolvedAppKey;
}

/** What `/api/v1` keeps of resolved application keys between requests (see `CredentialCache`). */
export type AppKeyCache = CredentialCache<CachedAppKey>;

const appKeyCaches = new WeakMap<DatabaseHandle, AppKeyCache>();

/**
 * The application-key cache of a database handle, created on first use. It listens through the handle's
 * credential feed, so its lifetime is the handle's: closing the database stops it.
 */
export function appKeyCache(handle: DatabaseHandle): AppKeyCache {
	let cache = appKeyCaches.get(handle);
	if (!cache) {
		cache = new CredentialCache<CachedAppKey>(changeFeed(handle, CREDENTIALS_CHANNEL));
		appKeyCaches.set(handle, cache);
	}
	return cache;
}

/**
 * Finds the key and organization behind an application key with one indexed query, or from `cache`
 * (live keys only, dropped by the credential triggers' notifications); `null` for anything that is not
 * a live `rst_app_` key (a SCIM or session token included), so callers answer 401 without saying why.
 */
export async function resolveAppKey(
	db: Executor,
	key: string,
	secret: string,
	cache?: AppKeyCache,
): Promise<ResolvedAppKey | null> {
	if (!key.startsWith(APP_KEY_PREFIX) || key.length > MAX_KEY_LENGTH) return null;
	const hash = hashSecret(key, secret);
	const load = () => loadLiveKey(db, hash);
	const found = cache
		? await cache.resolve(hash, load, (cached) => cached.resolved.organization.id)
		: await load();
	if (!found || !secretsEqual(found.keyHash, hash)) return null;
	return found.resolved;
}

async function loadLiveKey(db: Executor, hash: string): Promise<CachedAppKey | null> {
	const [found] = await preparedRead(db, "roster_app_key_by_hash", () => selectKeyByHash(db)).execute({
		hash,
	});
	if (!found || !secretsEqual(found.keyHash, hash) || found.revokedAt !== null) return null;
	const resolved: ResolvedAppKey = {
		key: Object.freeze({
			id: found.id,
			orgId: found.orgId,
			name: found.name,
			prefix: found.prefix,
			lastUsedAt: found.lastUsedAt,
		}),
		organization: Object.freeze({ id: found.orgId, slug: found.slug }),
	};
	return Object.freeze({ keyHash: found.keyHash, resolved: Object.freeze(resolved) });
}

/**
 * Records that a key was used, at most once per `APP_KEY_USE_RESOLUTION_MS`: a key whose stored last use
 * is recent costs no write, and the conditional update keeps concurrent requests from writing twice.
 */
export async function noteAppKeyUse(
	db: Executor,
	key: ResolvedAppKey["key"],
	now: Date = new Date(),
): Promise<void> {
	const staleBefore = new Date(now.getTime() - APP_KEY_USE_RESOLUTION_MS);
	if (key.lastUsedAt !== null && key.lastUsedAt.getTime() > staleBefore.getTime()) return;
	await db
		.update(appKeys)
		.set({ lastUsedAt: now })
		.where(and(eq(appKeys.id, key.id), or(isNull(appKeys.lastUsedAt), lt(appKeys.lastUsedAt, staleBefore))));
}
