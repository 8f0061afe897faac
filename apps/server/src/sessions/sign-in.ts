import { type AccessTier, type Executor, users } from "@roster/db";
import { and, asc, eq, isNotNull, not, sql } from "drizzle-orm";
import { verifyAgainstDecoy, verifyPassword } from "../security/passwords.ts";
import { createSession } from "./sessions.ts";

/** How many accounts one email may name across organizations before the rest are ignored. */
const MAX_ACCOUNTS_PER_EMAIL = 5;

/** Who signs in, from where; `now` is injectable so tests can move time. */
export interface SignInAttempt {
	email: string;
	password: string;
	secret: string;
	ip?: string;
	userAgent?: string;
	now?: Date;
}

/** A sign-in that worked: the fresh session token (its only copy) and who it belongs to. */
export interface SignedIn {
	ok: true;
	token: string;
	session: { id: string; expiresAt: Date };
	user: { id: string; orgId: string; userName: string; tier: AccessTier };
}

/** Why a sign-in was refused; `wrong_credentials` covers unknown, passwordless and inactive accounts alike. */
export type SignInRefusal = { ok: false; reason: "wrong_credentials" };

/**
 * Checks an email and password and, when they match a live account with a password, opens a session.
 * The email is compared case-insensitively like every userName; if it names accounts in several
 * organizations, the password decides which one. An email that names no such account (unknown, SCIM
 * user without a password, deprovisioned, deleted) still costs one argon2 verify, so the refusal is
 * identical in content and in time.
 */
export async function signIn(db: Executor, attempt: SignInAttempt): Promise<SignedIn | SignInRefusal> {
	const refused: SignInRefusal = { ok: false, reason: "wrong_credentials" };
	const candidates = await db
		.select({
			id: users.id,
			orgId: users.orgId,
			userName: users.userName,
			tier: users.accessTier,
			passwordHash: users.passwordHash,
		})
		.from(users)
		.where(
			and(
				sql`lower(${users.userName}) = lower(${attempt.email.trim()})`,
				isNotNull(users.passwordHash),
				eq(users.isActive, true),
				not(users.isDeleted),
			),
		)
		.orderBy(asc(users.createdAt), asc(users.id))
		.limit(MAX_ACCOUNTS_PER_EMAIL);
	if (candidates.length === 0) {
		await verifyAgainstDecoy(attempt.password);
		return refused;
	}
	for (const candidate of candidates) {
		if (!(await verifyPassword(candidate.passwordHash ?? "", attempt.password))) continue;
		const created = await createSession(db, {
			userId: candidate.id,
			secret: attempt.secret,
			ip: attempt.ip,
			userAgent: attempt.userAgent,
			now: attempt.now,
		});
		return {
			ok: true,
			token: created.token,
			session: { id: created.session.id, expiresAt: created.session.expiresAt },
			user: { id: candidate.id, orgId: candidate.orgId, userName: candidate.userName, tier: candidate.tier },
		};
	}
	return refused;
}
