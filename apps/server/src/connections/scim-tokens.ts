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
import { and, eq, isNull, sql } from "drizzle-orm";
import { recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { hashSecret, issueSecret, secretsEqual } from "../security/tokens.ts";

const DAY_MS = 86_400_000;

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
	if (
		input.expiresInDays !== undefined &&
		!(Number.isInteger(input.expiresInDays) && input.expiresInDays > 0)
	) {
		throw new OperationError("invalid", "A token's expiry must be a whole number of days greater than 0");
	}
	let connection = await findConnection(db, input.organization.id, name);
	const connectionCreated = connection === undefined;
	if (!connection) {
		[connection] = await db
			.insert(scimConnections)
			.values({ orgId: input.organization.id, name, idpKind: input.idpKind ?? "generic" })
			.returning();
		if (!connection) throw new Error("insert returned no connection");
	}
	const issued = issueSecret("scim", input.secret);
	const expiresAt =
		input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * DAY_MS);
	const [row] = await db
		.insert(scimTokens)
		.values({
			orgId: input.organization.id,
			connectionId: connection.id,
			prefix: issued.prefix,
			tokenHash: issued.hash,
			createdBy: input.createdBy,
			expiresAt,
		})
		.returning();
	if (!row) throw new Error("insert returned no token");
	await recordOperatorEvents(db, input.organization.id, { type: "system", name: input.createdBy }, [
		{
			...tokenEntity(connection, row),
			action: "SCIM_TOKEN_CREATED",
			metadata: { prefix: row.prefix, expiresAt: expiresAt?.toISOString() ?? null, connectionCreated },
		},
	]);
	return { token: issued.token, row, connection, connectionCreated };
}

/** Revokes every live token of a connection at once (each audited); returns how many were revoked. */
export async function revokeConnectionTokens(
	db: Executor,
	input: { organization: Organization; connectionName: string; actor: string },
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
		{ type: "system", name: input.actor },
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

/**
 * Finds the token, connection and organization behind a bearer token; `null` for unknown, revoked or
 * expired tokens, so the caller answers 401 without saying which. It runs on every SCIM request, so the
 * query is built once per database and sent as a named prepared statement; nothing is cached between
 * requests, so a revocation (from any process) applies to the very next request.
 */
export async function resolveScimToken(
	db: Executor,
	token: string,
	secret: string,
	now: Date = new Date(),
): Promise<ResolvedScimToken | null> {
	const hash = hashSecret(token, secret);
	const [found] = await preparedRead(db, "roster_scim_token_by_hash", () => selectTokenByHash(db)).execute({
		hash,
	});
	if (!found || !secretsEqual(found.token.tokenHash, hash)) return null;
	if (found.token.revokedAt !== null) return null;
	if (found.token.expiresAt !== null && found.token.expiresAt.getTime() <= now.getTime()) return null;
	return found;
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
