import { type Executor, type Organization, users } from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, eq } from "drizzle-orm";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { endUserSessions } from "../sessions/sessions.ts";

/**
 * An administrator signs a user out everywhere: every session of the user ends, in one transaction with
 * the audit event that records how many (the same `sessionsKilled` evidence deprovisioning keeps). The
 * user row is locked so a concurrent sign-in either ends too or waits. Another organization's user,
 * a tombstone and a malformed id all answer NOT_FOUND and change nothing.
 */
export async function endSessionsOfUser(
	db: Executor,
	input: { organization: Organization; actor: OperatorActor; userId: string },
): Promise<{ sessionsEnded: number }> {
	const unknown = new OperationError("not_found", "No such user");
	if (!isUuid(input.userId)) throw unknown;
	return db.transaction(async (tx) => {
		const [user] = await tx
			.select({ id: users.id, userName: users.userName })
			.from(users)
			.where(
				and(eq(users.orgId, input.organization.id), eq(users.id, input.userId), eq(users.isDeleted, false)),
			)
			.for("update");
		if (!user) throw unknown;
		const sessionsEnded = await endUserSessions(tx, user.id);
		await recordOperatorEvents(tx, input.organization.id, input.actor, [
			{
				action: "USER_SESSIONS_ENDED",
				entityType: "User",
				entityId: user.id,
				entityName: user.userName,
				metadata: { sessionsKilled: sessionsEnded },
			},
		]);
		return { sessionsEnded };
	});
}
