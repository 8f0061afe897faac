import { type AccessTier, type Executor, users } from "@roster/db";
import type { SsoMatchAttribute } from "@roster/domain/inputs/sso";
import { and, eq, ne, not, sql } from "drizzle-orm";

/** The user an IdP's claim names, as far as sign-in needs to decide. */
export interface MatchedUser {
	id: string;
	userName: string;
	isActive: boolean;
	tier: AccessTier;
}

/** Whom a claim names in one organization: nobody, one user, or several (an externalId two connections share). */
export type UserMatch = { kind: "none" } | { kind: "one"; user: MatchedUser } | { kind: "ambiguous" };

/**
 * Finds the provisioned user a claim names in `orgId` only: by userName case-insensitively (unique among
 * live users), or by externalId exactly, as SCIM compares them. Deleted users and local console
 * administrators (INTERNAL, never provisioned) are never matched (decision 0181). The row is share-locked
 * for the caller's transaction, so a deprovisioning running at the same time either comes first and is
 * seen, or waits for the session to exist and ends it.
 */
export async function matchUser(
	db: Executor,
	orgId: string,
	rule: { attribute: SsoMatchAttribute; value: string },
): Promise<UserMatch> {
	const byAttribute =
		rule.attribute === "userName"
			? sql`lower(${users.userName}) = lower(${rule.value})`
			: eq(users.externalId, rule.value);
	const found = await db
		.select({ id: users.id, userName: users.userName, isActive: users.isActive, tier: users.accessTier })
		.from(users)
		.where(and(eq(users.orgId, orgId), byAttribute, not(users.isDeleted), ne(users.authMethod, "INTERNAL")))
		.limit(2)
		.for("share");
	const [first] = found;
	if (!first) return { kind: "none" };
	if (found.length > 1) return { kind: "ambiguous" };
	return { kind: "one", user: first };
}
