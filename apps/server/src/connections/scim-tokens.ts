import {
	type Executor,
	type IdpKind,
	type Organization,
	organizations,
	preparedRead,
	type ScimConnection,
	type ScimToken,
	scimConnections,
	scimTokens,
} from "@roster/db";
import { diffFields } from "@roster/domain";
import { and, eq, isNull, sql } from "drizzle-orm";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { hashSecret, issueSecret, secretsEqual } from "../security/tokens.ts";
import { type ActorInput, lockConnection, operatorActor } from "./connections.ts";
import type { CredentialCache } from "./credential-cache.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A token just issued: `token` is the only copy of the plaintext and must be shown once. */
export interface CreatedScimToken {
	token: string;
	row: ScimToken;
	connection: ScimConnection;
	connectionCreated: boolean;
}

/** Who a SCIM request acts for, once its bearer token checks out. */
export interface ResolvedScimToken {
	token: ScimToken;
	connection: ScimConnection;
	organization: Organization;
}

/**
 * Issues a SCIM bearer token for the connection `connectionName`, creating the connection (with
 * `idpKind`, default generic) when it does not exist. Only the HMAC of the token is stored; the issue is
 * audited (prefix only, never the token or its hash) in the caller's transaction.
 */
export async function createScimToken(
	db: Executor,
	input: {
		organization: Organization;
		connectionName: string;
		idpKind?: IdpKind;
		expiresInDays?: number;
		createdBy: string;
		secret: string;
	},
): Promise<CreatedScimToken> {
	const name = input.connectionName.trim();
	if (name === "") throw new OperationError("invalid", "The connection name must not be empty");
	checkLifetime(input.expiresInDays);
	let connection = await findConnection(db, input.organization.id, name);
	const connectionCreated = connection === undefined;
	if (!connection) {
		[connection] = await db
			.insert(scimConnections)
			.values({ orgId: input.organization.id, name, idpKind: input.idpKind ?? "generic" })
			.returning();
		if (!connection) throw new Error("insert returned no connection");
	}
	return issueToken(db, {
		organization: input.organization,
		connection,
		connectionCreated,
		expiresInDays: input.expiresInDays,
		actor: operatorActor(input.createdBy),
		secret: input.secret,
	});
}

/** Issues a token for an existing connection of the organization (the console's "Create token"). */
export async function mintScimToken(
	db: Executor,
	input: {
		organization: Organization;
		connectionId: string;
		expiresInDays?: number;
		actor: OperatorActor;
		secret: string;
	},
): Promise<CreatedScimToken> {
	checkLifetime(input.expiresInDays);
	const connection = await lockConnection(db, input.organization, { connectionId: input.connectionId });
	return issueToken(db, { ...input, connection, connectionCreated: false });
}

function checkLifetime(expiresInDays: number | undefined): void {
	if (expiresInDays !== undefined && !(Number.isInteger(expiresInDays) && expiresInDays > 0)) {
		throw new OperationError("invalid", "A token's expiry must be a whole number of days greater than 0");
	}
}

function expiryIn(days: number | undefined, now: Date): Date | null {
	return days === undefined ? null : new Date(now.getTime() + days * DAY_MS);
}

/** The one place a token row is written and its issue audited; `rotatedFrom` links a rotation's successor. */
async function issueToken(
	db: Executor,
	input: {
		organization: Organization;
		connection: ScimConnection;
		connectionCreated: boolean;
		expiresInDays?: number | undefined;
		rotatedFrom?: ScimToken;
		actor: OperatorActor;
		secret: string;
	},
): Promise<CreatedScimToken> {
	const { connection, connectionCreated } = input;
	const issued = issueSecret("scim", input.secret);
	const expiresAt = expiryIn(input.expiresInDays, new Date());
	const [row] = await db
		.insert(scimTokens)
		.values({
			orgId: input.organization.id,
			connectionId: connection.id,
			prefix: issued.prefix,
			tokenHash: issued.hash,
			createdBy: input.actor.name,
			expiresAt,
			rotatedFrom: input.rotatedFrom?.id ?? null,
		})
		.returning();
	if (!row) throw new Error("insert returned no token");
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			...tokenEntity(connection, row),
			action: "SCIM_TOKEN_CREATED",
			metadata: {
				prefix: row.prefix,
				expiresAt: expiresAt?.toISOString() ?? null,
				connectionCreated,
				...(input.rotatedFrom ? { rotatedFrom: input.rotatedFrom.prefix } : {}),
			},
		},
	]);
	return { token: issued.token, row, connection, connectionCreated };
}

/** A token of the organization with its connection, locked for the caller's transaction. */
async function lockToken(
	db: Executor,
	organization: Organization,
	tokenId: string,
): Promise<{ token: ScimToken; connection: ScimConnection }> {
	const [found] = await db
		.select({ token: scimTokens, connection: scimConnections })
		.from(scimTokens)
		.innerJoin(scimConnections, eq(scimConnections.id, scimTokens.connectionId))
		.where(and(eq(scimTokens.orgId, organization.id), eq(scimTokens.id, tokenId)))
		.for("update", { of: scimTokens });
	if (!found) throw new OperationError("not_found", "Unknown token");
	return found;
}

/** Whether a token still authenticates at `now`: not revoked and not past its expiry. */
export function isLive(token: Pick<ScimToken, "revokedAt" | "expiresAt">, now: Date): boolean {
	return token.revokedAt === null && (token.expiresAt === null || token.expiresAt.getTime() > now.getTime());
}

function requireLive(token: ScimToken, now: Date, doing: string): void {
	if (!isLive(token, now)) {
		throw new OperationError(
			"conflict",
			`Token ${token.prefix}… is ${token.revokedAt ? "revoked" : "expired"}; only a live token can be ${doing}`,
		);
	}
}

/**
 * Rotates a token: issues its successor (linked by `rotatedFrom`) and lets the old one keep working for
 * `overlapHours` more (never longer than its own expiry), so the IdP can be switched over without a gap;
 * an overlap of 0 stops the old token at once. Both changes and their audit records commit together.
 */
export async function rotateScimToken(
	db: Executor,
	input: {
		organization: Organization;
		tokenId: string;
		overlapHours: number;
		expiresInDays?: number | undefined;
		actor: OperatorActor;
		secret: string;
	},
	now: Date = new Date(),
): Promise<CreatedScimToken & { previous: ScimToken }> {
	checkLifetime(input.expiresInDays);
	if (!(Number.isInteger(input.overlapHours) && input.overlapHours >= 0)) {
		throw new OperationError("invalid", "The overlap must be a whole number of hours");
	}
	const { token: old, connection } = await lockToken(db, input.organization, input.tokenId);
	requireLive(old, now, "rotated");
	const overlapEnd = new Date(now.getTime() + input.overlapHours * HOUR_MS);
	const stopsAt = old.expiresAt !== null && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
	const [previous] = await db
		.update(scimTokens)
		.set({ expiresAt: stopsAt })
		.where(eq(scimTokens.id, old.id))
		.returning();
	if (!previous) throw new Error("token update returned no row");
	const created = await issueToken(db, {
		organization: input.organization,
		connection,
		connectionCreated: false,
		expiresInDays: input.expiresInDays,
		rotatedFrom: old,
		actor: input.actor,
		secret: input.secret,
	});
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			...tokenEntity(connection, old),
			action: "SCIM_TOKEN_ROTATED",
			changes: diffFields({ expiresAt: old.expiresAt?.toISOString() }, { expiresAt: stopsAt.toISOString() }),
			metadata: { prefix: old.prefix, replacedBy: created.row.prefix, overlapHours: input.overlapHours },
		},
	]);
	return { ...created, previous };
}

/** Sets (or with `null` removes) a live token's expiry, counted in days from now. */
export async function setScimTokenExpiry(
	db: Executor,
	input: { organization: Organization; tokenId: string; expiresInDays: number | null; actor: OperatorActor },
	now: Date = new Date(),
): Promise<ScimToken> {
	if (input.expiresInDays !== null) checkLifetime(input.expiresInDays);
	const { token, connection } = await lockToken(db, input.organization, input.tokenId);
	requireLive(token, now, "changed");
	const expiresAt = input.expiresInDays === null ? null : expiryIn(input.expiresInDays, now);
	const [updated] = await db
		.update(scimTokens)
		.set({ expiresAt })
		.where(eq(scimTokens.id, token.id))
		.returning();
	if (!updated) throw new Error("token update returned no row");
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			...tokenEntity(connection, token),
			action: "SCIM_TOKEN_EXPIRY_CHANGED",
			changes: diffFields(
				{ expiresAt: token.expiresAt?.toISOString() },
				{ expiresAt: expiresAt?.toISOString() },
			),
			metadata: { prefix: token.prefix },
		},
	]);
	return updated;
}

/** Revokes one token; its next request gets 401. Revoking it again is refused, so nothing is audited twice. */
export async function revokeScimToken(
	db: Executor,
	input: { organization: Organization; tokenId: string; actor: OperatorActor },
): Promise<ScimToken> {
	const { token, connection } = await lockToken(db, input.organization, input.tokenId);
	if (token.revokedAt !== null) {
		throw new OperationError("conflict", `Token ${token.prefix}… is already revoked`);
	}
	const [revoked] = await db
		.update(scimTokens)
		.set({ revokedAt: new Date() })
		.where(eq(scimTokens.id, token.id))
		.returning();
	if (!revoked) throw new Error("token update returned no row");
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{ ...tokenEntity(connection, token), action: "SCIM_TOKEN_REVOKED", metadata: { prefix: token.prefix } },
	]);
	return revoked;
}

/**
 * The token row a plaintext token hashes to, whatever its state (revoked and expired included), so
 * "test connection" can tell a foreign token from a stopped one; `null` when no token matches.
 */
export async function findScimTokenBySecret(
	db: Executor,
	token: string,
	secret: string,
): Promise<ScimToken | null> {
	const hash = hashSecret(token, secret);
	const [found] = await db.select().from(scimTokens).where(eq(scimTokens.tokenHash, hash)).limit(1);
	return found && secretsEqual(found.tokenHash, hash) ? found : null;
}

/** Revokes every live token of a connection at once (each audited); returns how many were revoked. */
export async function revokeConnectionTokens(
	db: Executor,
	input: { organization: Organization; connectionName: string; actor: ActorInput },
): Promise<number> {
	const connection = await findConnection(db, input.organization.id, input.connectionName);
	if (!connection) {
		throw new OperationError(
			"not_found",
			`Unknown connection "${input.connectionName}" in organization "${input.organization.slug}"`,
		);
	}
	const revoked = await db
		.update(scimTokens)
		.set({ revokedAt: new Date() })
		.where(and(eq(scimTokens.connectionId, connection.id), isNull(scimTokens.revokedAt)))
		.returning({ id: scimTokens.id, prefix: scimTokens.prefix });
	await recordOperatorEvents(
		db,
		input.organization.id,
		operatorActor(input.actor),
		revoked.map((token) => ({
			...tokenEntity(connection, token),
			action: "SCIM_TOKEN_REVOKED",
			metadata: { prefix: token.prefix },
		})),
	);
	return revoked.length;
}

/** What a token's audit event names: the token by id, under its connection's name (never the secret). */
function tokenEntity(connection: ScimConnection, token: Pick<ScimToken, "id">) {
	return { entityType: "ScimToken", entityId: token.id, entityName: connection.name };
}

function selectTokenByHash(db: Executor) {
	return db
		.select({ token: scimTokens, connection: scimConnections, organization: organizations })
		.from(scimTokens)
		.innerJoin(scimConnections, eq(scimConnections.id, scimTokens.connectionId))
		.innerJoin(organizations, eq(organizations.id, scimTokens.orgId))
		.where(eq(scimTokens.tokenHash, sql.placeholder("hash")))
		.limit(1)
		.prepare("roster_scim_token_by_hash");
}

/** What SCIM requests keep of resolved tokens between requests (see `CredentialCache`). */
export type ScimTokenCache = CredentialCache<ResolvedScimToken>;

/**
 * Finds the token, connection and organization behind a bearer token; `null` for unknown, revoked or
 * expired tokens, so the caller answers 401 without saying which. It runs on every SCIM request: with
 * `cache`, a live token is read once and then served from memory until a trigger notification (a write to
 * the token, its connection or its organization, from any process), the cache's TTL, or a listener
 * outage drops it; without, or while the listener is down, it is one named prepared statement. Expiry is
 * checked against `now` on every call, hit or not.
 */
export async function resolveScimToken(
	db: Executor,
	token: string,
	secret: string,
	now: Date = new Date(),
	cache?: ScimTokenCache,
): Promise<ResolvedScimToken | null> {
	const hash = hashSecret(token, secret);
	const load = () => loadLiveToken(db, hash, now);
	const found = cache
		? await cache.resolve(hash, load, (resolved) => resolved.organization.id, now.getTime())
		: await load();
	if (!found || !secretsEqual(found.token.tokenHash, hash)) return null;
	if (!isLive(found.token, now)) {
		cache?.forget(hash);
		return null;
	}
	return found;
}

/** The live token behind `hash` from the database, frozen because a cache shares it between requests. */
async function loadLiveToken(db: Executor, hash: string, now: Date): Promise<ResolvedScimToken | null> {
	const [found] = await preparedRead(db, "roster_scim_token_by_hash", () => selectTokenByHash(db)).execute({
		hash,
	});
	if (!found || !secretsEqual(found.token.tokenHash, hash) || !isLive(found.token, now)) return null;
	Object.freeze(found.organization.projectRoles);
	return Object.freeze({
		token: Object.freeze(found.token),
		connection: Object.freeze(found.connection),
		organization: Object.freeze(found.organization),
	});
}

async function findConnection(
	db: Executor,
	orgId: string,
	name: string,
): Promise<ScimConnection | undefined> {
	const [found] = await db
		.select()
		.from(scimConnections)
		.where(and(eq(scimConnections.orgId, orgId), eq(scimConnections.name, name)))
		.limit(1);
	return found;
}
