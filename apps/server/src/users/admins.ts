import { type Executor, isUniqueViolation, type Organization, type User, users } from "@roster/db";
import { and, eq, sql } from "drizzle-orm";
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
