import { type AccessTier, type Executor, users } from "@roster/db";
import { and, asc, eq, isNotNull, not, sql } from "drizzle-orm";
import { type OperatorActor, type OperatorEvent, recordOperatorEvents } from "../audit/operator-events.ts";
import { verifyAgainstDecoy, verifyPassword } from "../security/passwords.ts";
import { createSession } from "./sessions.ts";
import { countIpFailure, ipBlockedUntil } from "./sign-in-throttle.ts";

/** How many accounts one email may name across organizations before the rest are ignored. */
const MAX_ACCOUNTS_PER_EMAIL = 5;

/** Wrong passwords in a row that lock an account (CONTRACT.md). */
export const ACCOUNT_FAILURE_LIMIT = 10;

/** How long a lockout lasts unless an operator lifts it first (CONTRACT.md: at least 15 minutes). */
export const ACCOUNT_LOCK_MS = 15 * 60_000;

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

/**
 * Why a sign-in was refused. `wrong_credentials` covers unknown, passwordless, inactive accounts and wrong
 * passwords alike; `locked` is the account's lockout and `throttled` the client address's, each with the
 * time it ends.
 */
export type SignInRefusal =
	| { ok: false; reason: "wrong_credentials" }
	| { ok: false; reason: "locked"; until: Date }
	| { ok: false; reason: "throttled"; until: Date };

interface Candidate {
	id: string;
	orgId: string;
	userName: string;
	tier: AccessTier;
	passwordHash: string | null;
	failedSignIns: number;
	signInLockedUntil: Date | null;
}

/** Sign-in events are recorded by the sign-in itself, not by a signed-in operator. */
const SIGN_IN_ACTOR: OperatorActor = { type: "system", name: "console sign-in" };

function userEvent(candidate: Candidate, action: string, metadata: Record<string, unknown>): OperatorEvent {
	return { action, entityType: "User", entityId: candidate.id, entityName: candidate.userName, metadata };
}

/**
 * Checks an email and password and, when they match a live account with a password, opens a session.
 * The email is compared case-insensitively like every userName; if it names accounts in several
 * organizations, the password decides which one. An email that names no such account still costs one
 * argon2 verify, so the refusal is identical in content and in time.
 *
 * Guessing is bounded twice, with all state in the database so any server process may answer: a client
 * address with too many failures across accounts is throttled before any check, and an account with
 * `ACCOUNT_FAILURE_LIMIT` wrong passwords in a row is locked for `ACCOUNT_LOCK_MS` — the right password
 * is refused too. The account rows are locked for the attempt, so concurrent guesses count one by one;
 * the attempt, its counters and its audit events commit in one transaction. Success resets the count.
 */
export async function signIn(db: Executor, attempt: SignInAttempt): Promise<SignedIn | SignInRefusal> {
	const now = attempt.now ?? new Date();
	const context = { ip: attempt.ip ?? null, userAgent: attempt.userAgent ?? null };
	return db.transaction(async (tx): Promise<SignedIn | SignInRefusal> => {
		const throttledUntil = await ipBlockedUntil(tx, attempt.ip, now);
		if (throttledUntil) return { ok: false, reason: "throttled", until: throttledUntil };

		const candidates: Candidate[] = await tx
			.select({
				id: users.id,
				orgId: users.orgId,
				userName: users.userName,
				tier: users.accessTier,
				passwordHash: users.passwordHash,
				failedSignIns: users.failedSignIns,
				signInLockedUntil: users.signInLockedUntil,
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
			.limit(MAX_ACCOUNTS_PER_EMAIL)
			.for("update");
		const isLocked = (c: Candidate) => c.signInLockedUntil !== null && c.signInLockedUntil > now;
		const open = candidates.filter((c) => !isLocked(c));

		if (candidates.length === 0) await verifyAgainstDecoy(attempt.password);
		for (const candidate of open) {
			if (!(await verifyPassword(candidate.passwordHash ?? "", attempt.password))) continue;
			return signedIn(tx, attempt, candidate, now);
		}

		await countIpFailure(tx, attempt.ip, now);
		const lockedNow = await countAccountFailures(tx, open, now, context);
		const locked = [...candidates.filter(isLocked), ...lockedNow];
		for (const candidate of candidates.filter(isLocked)) {
			await recordOperatorEvents(tx, candidate.orgId, SIGN_IN_ACTOR, [
				userEvent(candidate, "CONSOLE_SIGN_IN_FAILED", { ...context, reason: "locked" }),
			]);
		}
		if (locked.length > 0 && locked.length === candidates.length) {
			const until = new Date(Math.min(...locked.map((c) => (c.signInLockedUntil ?? now).getTime())));
			return { ok: false, reason: "locked", until };
		}
		return { ok: false, reason: "wrong_credentials" };
	});
}

async function signedIn(
	tx: Executor,
	attempt: SignInAttempt,
	candidate: Candidate,
	now: Date,
): Promise<SignedIn> {
	await tx.update(users).set({ failedSignIns: 0, signInLockedUntil: null }).where(eq(users.id, candidate.id));
	const created = await createSession(tx, {
		userId: candidate.id,
		secret: attempt.secret,
		ip: attempt.ip,
		userAgent: attempt.userAgent,
		now,
	});
	await recordOperatorEvents(
		tx,
		candidate.orgId,
		{ type: "admin", id: candidate.id, name: candidate.userName },
		[
			userEvent(candidate, "CONSOLE_SIGNED_IN", {
				ip: attempt.ip ?? null,
				userAgent: attempt.userAgent ?? null,
				sessionId: created.session.id,
			}),
		],
	);
	return {
		ok: true,
		token: created.token,
		session: { id: created.session.id, expiresAt: created.session.expiresAt },
		user: { id: candidate.id, orgId: candidate.orgId, userName: candidate.userName, tier: candidate.tier },
	};
}

/**
 * Counts a wrong password against each account it was tried on; the one that reaches the limit is locked
 * (its count starts again from zero once the lock is over). Returns the accounts locked by this attempt.
 */
async function countAccountFailures(
	tx: Executor,
	accounts: readonly Candidate[],
	now: Date,
	context: Record<string, unknown>,
): Promise<Candidate[]> {
	const lockedNow: Candidate[] = [];
	for (const account of accounts) {
		const failures = account.failedSignIns + 1;
		if (failures >= ACCOUNT_FAILURE_LIMIT) {
			const until = new Date(now.getTime() + ACCOUNT_LOCK_MS);
			await tx
				.update(users)
				.set({ failedSignIns: 0, signInLockedUntil: until })
				.where(eq(users.id, account.id));
			await recordOperatorEvents(tx, account.orgId, SIGN_IN_ACTOR, [
				userEvent(account, "CONSOLE_SIGN_IN_FAILED", { ...context, reason: "wrong_password", failures }),
				userEvent(account, "CONSOLE_ACCOUNT_LOCKED", { ...context, until: until.toISOString(), failures }),
			]);
			lockedNow.push({ ...account, failedSignIns: 0, signInLockedUntil: until });
		} else {
			await tx.update(users).set({ failedSignIns: failures }).where(eq(users.id, account.id));
			await recordOperatorEvents(tx, account.orgId, SIGN_IN_ACTOR, [
				userEvent(account, "CONSOLE_SIGN_IN_FAILED", { ...context, reason: "wrong_password", failures }),
			]);
		}
	}
	return lockedNow;
}
