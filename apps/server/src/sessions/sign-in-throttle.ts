import { type Executor, signInThrottles } from "@roster/db";
import { eq, inArray, lt, sql } from "drizzle-orm";

/** Failed sign-ins one client address may make, across all accounts, in one window before it is blocked. */
export const IP_FAILURE_LIMIT = 30;

/** The length of the counting window and of the block that follows it. */
export const IP_WINDOW_MS = 15 * 60_000;

/** Rows of windows this old are dropped, a few at a time, whenever a failure is counted. */
const STALE_AFTER_MS = 24 * 60 * 60_000;
const PRUNE_BATCH = 100;

/** The end of the block on `ip`, or null when sign-ins from it are allowed. */
export async function ipBlockedUntil(db: Executor, ip: string | undefined, now: Date): Promise<Date | null> {
	if (ip === undefined) return null;
	const [row] = await db
		.select({ blockedUntil: signInThrottles.blockedUntil })
		.from(signInThrottles)
		.where(eq(signInThrottles.ip, ip));
	const until = row?.blockedUntil ?? null;
	return until !== null && until.getTime() > now.getTime() ? until : null;
}

/**
 * Counts one failed sign-in from `ip` in its window (a new window when the last one is over), blocking
 * the address for `IP_WINDOW_MS` when the count reaches the limit. One atomic upsert, in the caller's
 * transaction. Requests with no known address (in-process tests) are not counted.
 */
export async function countIpFailure(db: Executor, ip: string | undefined, now: Date): Promise<void> {
	if (ip === undefined) return;
	const windowStart = new Date(now.getTime() - IP_WINDOW_MS);
	const blockUntil = new Date(now.getTime() + IP_WINDOW_MS);
	const t = signInThrottles;
	const timestamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;
	const freshWindow = sql`${t.windowStartedAt} <= ${timestamp(windowStart)}`;
	const failures = sql`case when ${freshWindow} then 1 else ${t.failures} + 1 end`;
	await db
		.insert(t)
		.values({
			ip,
			failures: 1,
			windowStartedAt: now,
			blockedUntil: IP_FAILURE_LIMIT <= 1 ? blockUntil : null,
		})
		.onConflictDoUpdate({
			target: t.ip,
			set: {
				failures,
				windowStartedAt: sql`case when ${freshWindow} then ${timestamp(now)} else ${t.windowStartedAt} end`,
				blockedUntil: sql`case when ${failures} >= ${IP_FAILURE_LIMIT} then ${timestamp(blockUntil)} else ${t.blockedUntil} end`,
			},
		});
	const stale = db
		.select({ ip: t.ip })
		.from(t)
		.where(lt(t.windowStartedAt, new Date(now.getTime() - STALE_AFTER_MS)))
		.limit(PRUNE_BATCH);
	await db.delete(t).where(inArray(t.ip, stale));
}
