import { type Executor, isUniqueViolation, type Organization, type User, users } from "@roster/db";
import { and, eq, isNotNull, not, sql } from "drizzle-orm";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { hashPassword } from "../security/passwords.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD_LENGTH = 12;

/**
 * Creates a local console administrator: an INTERNAL user with the ADMIN tier and an argon2id
 * password hash, whose userName is the email (compared case-insensitively like every userName).
 */
export async function createAdmin(
	db: Executor,
	input: { organization: Organization; email: string; password: string },
): Promise<User> {
	const email = input.email.trim();
	if (!EMAIL.test(email)) throw new OperationError("invalid", `Invalid email address "${email}"`);
	if (input.password.length < MIN_PASSWORD_LENGTH) {
		throw new OperationError("invalid", `The password must be at least ${MIN_PASSWORD_LENGTH} characters`);
	}
	const duplicate = new OperationError(
		"conflict",
		`A user "${email}" already exists in organization "${input.organization.slug}"`,
	);
	const [existing] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.orgId, input.organization.id), sql`lower(${users.userName}) = lower(${email})`))
		.limit(1);
	if (existing) throw duplicate;
	try {
		const [created] = await db
			.insert(users)
			.values({
				orgId: input.organization.id,
				userName: email,
				email,
				authMethod: "INTERNAL",
				accessTier: "ADMIN",
				accessTierSource: "console",
				passwordHash: await hashPassword(input.password),
			})
			.returning();
		if (!created) throw new Error("insert returned no user");
		return created;
	} catch (error) {
		if (isUniqueViolation(error)) throw duplicate;
		throw error;
	}
}

/** What an unlock did: the account, and whether a lockout was in force when it was lifted. */
export interface UnlockedAdmin {
	userName: string;
	wasLocked: boolean;
}

/**
 * Lifts a console sign-in lockout before it runs out (`roster admin unlock`), and starts the count of
 * wrong passwords again from zero; audited with the operator who did it. An email that names no account
 * with a password in the organization is `not_found`.
 */
export async function unlockAdmin(
	db: Executor,
	input: { organization: Organization; email: string; actor: OperatorActor; now?: Date },
): Promise<UnlockedAdmin> {
	const email = input.email.trim();
	const [user] = await db
		.select({ id: users.id, userName: users.userName, lockedUntil: users.signInLockedUntil })
		.from(users)
		.where(
			and(
				eq(users.orgId, input.organization.id),
				sql`lower(${users.userName}) = lower(${email})`,
				isNotNull(users.passwordHash),
				not(users.isDeleted),
			),
		)
		.for("update");
	if (!user) {
		throw new OperationError(
			"not_found",
			`No console administrator "${email}" in organization "${input.organization.slug}"`,
		);
	}
	const now = input.now ?? new Date();
	const wasLocked = user.lockedUntil !== null && user.lockedUntil > now;
	await db.update(users).set({ failedSignIns: 0, signInLockedUntil: null }).where(eq(users.id, user.id));
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			action: "CONSOLE_ACCOUNT_UNLOCKED",
			entityType: "User",
			entityId: user.id,
			entityName: user.userName,
			metadata: { wasLocked, lockedUntil: user.lockedUntil?.toISOString() ?? null },
		},
	]);
	return { userName: user.userName, wasLocked };
}
