import { type Executor, type Organization, rows, scimTokens, uuidArray } from "@roster/db";
import { and, eq, gt, inArray, isNull, min, or, sql } from "drizzle-orm";

const HOUR_MS = 3_600_000;
/** A connection with a live token and no request for this long is "silent": the IdP may have stopped. */
export const SILENT_AFTER_HOURS = 24;
/** The window the request and error counts cover. */
export const HEALTH_WINDOW_HOURS = 24;

/**
 * - `no_token`: nothing can call it yet;
 * - `waiting`: a token exists but no request came yet (within the silence threshold);
 * - `silent`: no request for longer than `SILENT_AFTER_HOURS` (or never, since a token older than that);
 * - `failing`: at least a fifth of the last 24 hours' requests failed;
 * - `healthy`: otherwise.
 */
export type HealthStatus = "no_token" | "waiting" | "silent" | "failing" | "healthy";

/** A connection's health at a glance, from its provisioning-log rows and its tokens. */
export interface ConnectionHealth {
	lastRequestAt: string | null;
	requests24h: number;
	errors24h: number;
	/** Errors / requests over the last 24 hours; null without requests. */
	errorRate: number | null;
	silent: boolean;
	status: HealthStatus;
}

const FAILING_ERROR_RATE = 0.2;

interface LogStats {
	connection_id: string;
	last_at: string | Date | null;
	requests: number | string;
	errors: number | string;
}

/**
 * Per connection: its newest request (one index probe) and its counts over the last 24 hours (one range
 * of `provisioning_log_org_connection_occurred_at_idx`), so the cost is bounded by a day's traffic of
 * the listed connections, never the whole log. An error is any answer of 400 or more.
 */
async function logStats(
	db: Executor,
	orgId: string,
	connectionIds: readonly string[],
	since: Date,
): Promise<Map<string, LogStats>> {
	const found = await rows<LogStats>(
		db,
		sql`select c.id as connection_id, last.occurred_at as last_at,
				coalesce(recent.requests, 0) as requests, coalesce(recent.errors, 0) as errors
			from unnest(${uuidArray(connectionIds)}) as c(id)
			left join lateral (
				select occurred_at from provisioning_log
				where org_id = ${orgId} and connection_id = c.id
				order by occurred_at desc limit 1
			) last on true
			left join lateral (
				select count(*) as requests, count(*) filter (where status >= 400) as errors
				from provisioning_log
				where org_id = ${orgId} and connection_id = c.id and occurred_at > ${since.toISOString()}::timestamptz
			) recent on true`,
	);
	return new Map(found.map((row) => [row.connection_id, row]));
}

/** The oldest live token of each connection: silence is counted from it when no request ever came. */
async function firstLiveTokens(
	db: Executor,
	orgId: string,
	connectionIds: readonly string[],
	now: Date,
): Promise<Map<string, Date>> {
	const found = await db
		.select({ connectionId: scimTokens.connectionId, since: min(scimTokens.createdAt) })
		.from(scimTokens)
		.where(
			and(
				eq(scimTokens.orgId, orgId),
				inArray(scimTokens.connectionId, [...connectionIds]),
				isNull(scimTokens.revokedAt),
				or(isNull(scimTokens.expiresAt), gt(scimTokens.expiresAt, now)),
			),
		)
		.groupBy(scimTokens.connectionId);
	return new Map(found.flatMap((row) => (row.since ? [[row.connectionId, row.since] as const] : [])));
}

function toDate(value: string | Date | null | undefined): Date | null {
	if (value === null || value === undefined) return null;
	return value instanceof Date ? value : new Date(value);
}

/**
 * Every callable connection (a live token, its organization's SCIM switched on) of every organization, for
 * `/metrics`: its id, organization slug and name, and `quietSince`, the Unix seconds of its last request or,
 * when it never sent one, of its oldest live token (as `connectionHealth` counts silence). Last use comes
 * from the tokens (rotated and revoked ones too), which outlive the provisioning log's
 * retention; the cost is bounded by the number of tokens.
 */
export async function callableConnections(db: Executor) {
	const live = sql`t.revoked_at is null and (t.expires_at is null or t.expires_at > now())`;
	const found = await rows<{
		connection_id: string;
		organization: string;
		name: string;
		quiet_since: number;
	}>(
		db,
		sql`select c.id as connection_id, o.slug as organization, c.name,
				extract(epoch from coalesce(max(t.last_used_at), min(t.created_at) filter (where ${live})))::float8 as quiet_since
			from scim_connections c
				join organizations o on o.id = c.org_id
				join scim_tokens t on t.connection_id = c.id
			where o.scim_enabled
			group by c.id, o.slug, c.name
			having bool_or(${live})`,
	);
	return found.map((row) => ({
		connectionId: row.connection_id,
		organization: row.organization,
		name: row.name,
		quietSince: Number(row.quiet_since),
	}));
}

/** The health of each of the organization's `connectionIds` at `now`, keyed by connection id. */
export async function connectionHealth(
	db: Executor,
	organization: Pick<Organization, "id">,
	connectionIds: readonly string[],
	now: Date = new Date(),
): Promise<Map<string, ConnectionHealth>> {
	const health = new Map<string, ConnectionHealth>();
	if (connectionIds.length === 0) return health;
	const since = new Date(now.getTime() - HEALTH_WINDOW_HOURS * HOUR_MS);
	const stats = await logStats(db, organization.id, connectionIds, since);
	const liveSince = await firstLiveTokens(db, organization.id, connectionIds, now);
	const silentBefore = now.getTime() - SILENT_AFTER_HOURS * HOUR_MS;
	for (const id of connectionIds) {
		const row = stats.get(id);
		const lastRequestAt = toDate(row?.last_at);
		const requests24h = Number(row?.requests ?? 0);
		const errors24h = Number(row?.errors ?? 0);
		const errorRate = requests24h === 0 ? null : errors24h / requests24h;
		const tokenSince = liveSince.get(id);
		const quietSince = lastRequestAt ?? tokenSince ?? null;
		const silent = tokenSince !== undefined && quietSince !== null && quietSince.getTime() < silentBefore;
		let status: HealthStatus;
		if (tokenSince === undefined) status = "no_token";
		else if (silent) status = "silent";
		else if (lastRequestAt === null) status = "waiting";
		else if (errorRate !== null && errorRate >= FAILING_ERROR_RATE) status = "failing";
		else status = "healthy";
		health.set(id, {
			lastRequestAt: lastRequestAt?.toISOString() ?? null,
			requests24h,
			errors24h,
			errorRate,
			silent,
			status,
		});
	}
	return health;
}
