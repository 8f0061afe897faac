import {
	type AccessTier,
	type Executor,
	preparedRead,
	reusableStatement,
	type Session,
	sessions,
	users,
} from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, eq, lte, not, type Placeholder, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";
import { hashSecret, issueSecret, secretsEqual } from "../security/tokens.ts";

/** How long a session lives when the caller does not say: one working day (its absolute lifetime). */
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 60 * 60;

/** A console session unused for this long is over, even before its absolute end. */
export const CONSOLE_IDLE_TIMEOUT_SECONDS = 30 * 60;

/**
 * When a console session ends if it goes unused from its last recorded use: the idle timeout, never later
 * than its absolute end.
 */
export function consoleIdleEnd(session: { lastSeenAt: Date; expiresAt: Date }): Date {
	return new Date(
		Math.min(session.lastSeenAt.getTime() + CONSOLE_IDLE_TIMEOUT_SECONDS * 1000, session.expiresAt.getTime()),
	);
}

/** `last_seen_at` is rewritten at most this often per session, so authenticated reads stay reads. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

const SESSION_PREFIX = "rst_sess_";
const MAX_TOKEN_LENGTH = 256;

/** A session just created: `token` is the only copy of the secret and goes to the client once. */
export interface CreatedSession {
	token: string;
	session: Session;
}

/** The user a live session belongs to, as far as callers need to decide what it may do. */
export interface SessionUser {
	id: string;
	orgId: string;
	userName: string;
	active: boolean;
	tier: AccessTier;
}

/** A session that checked out: live, and its user active and not deleted. */
export interface ResolvedSession {
	session: { id: string; expiresAt: Date; lastSeenAt: Date };
	user: SessionUser;
}

/** How a reader of sessions judges them beyond their absolute end: the console adds an idle timeout. */
export interface SessionPolicy {
	idleTimeoutSeconds?: number;
}

/**
 * Signs a user in: stores only the HMAC of a fresh `rst_sess_` token. The user row is locked (shared)
 * while the session is inserted, so a deactivation running at the same time either kills this session
 * too or makes this call fail; an inactive, deleted or unknown user gets a `OperationError`.
 */
export async function createSession(
	db: Executor,
	input: {
		userId: string;
		secret: string;
		ttlSeconds?: number;
		ip?: string;
		userAgent?: string;
		now?: Date;
	},
): Promise<CreatedSession> {
	const ttlSeconds = input.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
	if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
		throw new OperationError(
			"invalid",
			"A session lifetime must be a whole number of seconds greater than 0",
		);
	}
	const unknownUser = new OperationError("not_found", "No active user with that id");
	if (!isUuid(input.userId)) throw unknownUser;
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const [user] = await tx
			.select({ id: users.id })
			.from(users)
			.where(and(eq(users.id, input.userId), eq(users.isActive, true), not(users.isDeleted)))
			.for("share");
		if (!user) throw unknownUser;
		const issued = issueSecret("session", input.secret);
		const [session] = await tx
			.insert(sessions)
			.values({
				userId: user.id,
				tokenHash: issued.hash,
				expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
				lastSeenAt: now,
				ip: input.ip,
				userAgent: input.userAgent,
			})
			.returning();
		if (!session) throw new Error("insert returned no session");
		return { token: issued.token, session };
	});
}

function selectSessionByHash(db: Executor) {
	return db
		.select({
			id: sessions.id,
			tokenHash: sessions.tokenHash,
			expiresAt: sessions.expiresAt,
			lastSeenAt: sessions.lastSeenAt,
			userId: users.id,
			orgId: users.orgId,
			userName: users.userName,
			isActive: users.isActive,
			isDeleted: users.isDeleted,
			tier: users.accessTier,
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.tokenHash, sql.placeholder("hash")))
		.limit(1)
		.prepare("roster_session_by_hash");
}

/** True when `token` has the shape of a session token, so other bearer secrets are refused without a query. */
export function looksLikeSessionToken(token: string): boolean {
	return token.startsWith(SESSION_PREFIX) && token.length <= MAX_TOKEN_LENGTH;
}

/**
 * Checks a session token on every session-authenticated request with one indexed query (session by
 * token hash, joined to its user). Unknown, past its absolute end, idle for longer than the policy
 * allows, or belonging to an inactive or deleted user → null, all alike. Nothing is cached, so a session
 * deleted by deprovisioning fails on the very next request. A read: `touchSession` records the use.
 */
export async function resolveSession(
	db: Executor,
	token: string,
	secret: string,
	now: Date = new Date(),
	policy: SessionPolicy = {},
): Promise<ResolvedSession | null> {
	if (!looksLikeSessionToken(token)) return null;
	const hash = hashSecret(token, secret);
	const [found] = await preparedRead(db, "roster_session_by_hash", () => selectSessionByHash(db)).execute({
		hash,
	});
	if (!found || !secretsEqual(found.tokenHash, hash)) return null;
	if (found.expiresAt.getTime() <= now.getTime()) return null;
	if (
		policy.idleTimeoutSeconds !== undefined &&
		found.lastSeenAt.getTime() + policy.idleTimeoutSeconds * 1000 <= now.getTime()
	) {
		return null;
	}
	if (!found.isActive || found.isDeleted) return null;
	return {
		session: { id: found.id, expiresAt: found.expiresAt, lastSeenAt: found.lastSeenAt },
		user: {
			id: found.userId,
			orgId: found.orgId,
			userName: found.userName,
			active: found.isActive,
			tier: found.tier,
		},
	};
}

/**
 * Records that a session answered a request, at most once per `LAST_SEEN_RESOLUTION_MS` (the guard is in
 * the UPDATE too, so concurrent requests write once); returns the last-seen time now in force.
 */
export async function touchSession(
	db: Executor,
	session: { id: string; lastSeenAt: Date },
	now: Date = new Date(),
): Promise<Date> {
	if (now.getTime() - session.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS) return session.lastSeenAt;
	await db
		.update(sessions)
		.set({ lastSeenAt: now })
		.where(
			and(
				eq(sessions.id, session.id),
				lte(sessions.lastSeenAt, new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS)),
			),
		);
	return now;
}

/** Signs a session out by its token; returns whether a session was deleted. */
export async function revokeSession(db: Executor, token: string, secret: string): Promise<boolean> {
	if (!looksLikeSessionToken(token)) return false;
	const deleted = await db
		.delete(sessions)
		.where(eq(sessions.tokenHash, hashSecret(token, secret)))
		.returning({ id: sessions.id });
	return deleted.length > 0;
}

/** Signs one session out by its id (the console's sign-out); returns whether it still existed. */
export async function endSession(db: Executor, sessionId: string): Promise<boolean> {
	const ended = await db.delete(sessions).where(eq(sessions.id, sessionId)).returning({ id: sessions.id });
	return ended.length > 0;
}

/**
 * The statement that ends every session of a user, returning their ids; also the first half of the
 * deprovisioning audit insert (`recordScimAuditEndingSessions`), which counts them.
 */
export function userSessionsDelete(db: Executor, userId: string | Placeholder) {
	return db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
}

const deleteUserSessions = reusableStatement<{ userId: string }, { id: string }>(
	"roster_end_user_sessions",
	["userId"],
	(db, values) => userSessionsDelete(db, values.userId),
	{ id: sessions.id },
);

/**
 * Ends every session of a user (deprovisioning, deletion), in the caller's transaction; returns how many
 * ended, which the audit event keeps as offboarding evidence.
 */
export async function endUserSessions(db: Executor, userId: string): Promise<number> {
	const ended = await deleteUserSessions.run(db, { userId });
	return ended.length;
}
