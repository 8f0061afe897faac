import type { Executor } from "@roster/db";
import { type ResolvedSession, resolveSession } from "./sessions.ts";

/**
 * The live session a token names within one organization, for a host application asking on its own
 * organization's behalf: a session of another organization's user is null, exactly like an unknown one,
 * so a key cannot learn whether a token exists elsewhere.
 */
export async function validateSessionInOrganization(
	db: Executor,
	token: string,
	secret: string,
	organizationId: string,
): Promise<ResolvedSession | null> {
	const resolved = await resolveSession(db, token, secret);
	return resolved && resolved.user.orgId === organizationId ? resolved : null;
}
