import { type Database, rows } from "@roster/db";
import { type ActivityRange, activityRanges } from "@roster/domain/inputs/dashboard";
import { sql } from "drizzle-orm";

/** What one bucket counts; each counter's meaning is `activity-rollup.ts`'s. */
export interface ActivityCounts {
	requests: number;
	errors: number;
	creates: number;
	deprovisions: number;
}

export interface ActivityPoint extends ActivityCounts {
	/** The bucket's start (UTC), ISO-8601. */
	at: string;
}

export interface ConnectionActivity {
	connectionId: string;
	name: string;
	idpKind: string;
	totals: ActivityCounts;
	/** One point per bucket of the window, oldest first, zeros included, so charts need no gap filling. */
	points: ActivityPoint[];
}

export interface ActivitySeries {
	range: ActivityRange;
	bucket: "hour" | "day";
	/** The first bucket's start and the end of the window (now), ISO-8601. */
	from: string;
	to: string;
	/** Every connection's counts in the window, charted or not. */
	totals: ActivityCounts;
	/** Connections with traffic in the window, busiest first, at most `MAX_CHARTED_CONNECTIONS`. */
	connections: ConnectionActivity[];
	/** True when more connections had traffic than are charted. */
	truncated: boolean;
}

/** Bounds the answer: 50 connections × 168 hourly points at most. */
export const MAX_CHARTED_CONNECTIONS = 50;

const HOUR_MS = 3_600_000;

function zero(): ActivityCounts {
	return { requests: 0, errors: 0, creates: 0, deprovisions: 0 };
}

function add(into: ActivityCounts, counts: ActivityCounts): void {
	into.requests += counts.requests;
	into.errors += counts.errors;
	into.creates += counts.creates;
	into.deprovisions += counts.deprovisions;
}

/** The bucket starts of a window ending at `now`: the current bucket and the ones before it, in UTC. */
export function bucketStarts(range: ActivityRange, now: Date): Date[] {
	const { hours, bucket } = activityRanges[range];
	const stepMs = bucket === "hour" ? HOUR_MS : 24 * HOUR_MS;
	const current = Math.floor(now.getTime() / stepMs) * stepMs;
	const count = (hours * HOUR_MS) / stepMs;
	return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * stepMs));
}

interface BucketRow extends ActivityCounts {
	connection_id: string;
	name: string;
	idp_kind: string;
	at: string;
}

/**
 * An organization's provisioning activity per connection over `range`, read from the hourly rollup (one
 * key range: the organization's buckets since the window's start), never from the log itself.
 */
export async function activitySeries(
	db: Database,
	orgId: string,
	range: ActivityRange,
	now = new Date(),
): Promise<ActivitySeries> {
	const { bucket } = activityRanges[range];
	const starts = bucketStarts(range, now);
	const from = starts[0] ?? now;
	const found = await rows<BucketRow>(
		db,
		sql`with buckets as (
				select connection_id, date_trunc(${bucket}, bucket_start, 'UTC') as at,
					sum(requests)::int as requests, sum(errors)::int as errors,
					sum(creates)::int as creates, sum(deprovisions)::int as deprovisions
				from provisioning_activity
				where org_id = ${orgId}::uuid and bucket_start >= ${from.toISOString()}::timestamptz
				group by 1, 2
			), busiest as (
				select connection_id from buckets group by 1 order by sum(requests) desc, connection_id
				limit ${MAX_CHARTED_CONNECTIONS + 1}
			)
			select b.connection_id, c.name, c.idp_kind, to_json(b.at) #>> '{}' as at,
				b.requests, b.errors, b.creates, b.deprovisions
			from buckets b
			join busiest using (connection_id)
			join scim_connections c on c.id = b.connection_id and c.org_id = ${orgId}::uuid`,
	);
	const byConnection = new Map<string, { row: BucketRow; at: Map<number, ActivityCounts> }>();
	for (const row of found) {
		const entry = byConnection.get(row.connection_id) ?? { row, at: new Map() };
		entry.at.set(Date.parse(row.at), row);
		byConnection.set(row.connection_id, entry);
	}
	const connections = [...byConnection.values()].map(({ row, at }): ConnectionActivity => {
		const connectionTotals = zero();
		const points = starts.map((start) => {
			const counts = at.get(start.getTime()) ?? zero();
			add(connectionTotals, counts);
			return {
				at: start.toISOString(),
				requests: counts.requests,
				errors: counts.errors,
				creates: counts.creates,
				deprovisions: counts.deprovisions,
			};
		});
		return {
			connectionId: row.connection_id,
			name: row.name,
			idpKind: row.idp_kind,
			totals: connectionTotals,
			points,
		};
	});
	connections.sort(
		(a, b) => b.totals.requests - a.totals.requests || a.connectionId.localeCompare(b.connectionId),
	);
	const [totals] = await rows<ActivityCounts>(
		db,
		sql`select coalesce(sum(requests), 0)::int as requests, coalesce(sum(errors), 0)::int as errors,
				coalesce(sum(creates), 0)::int as creates, coalesce(sum(deprovisions), 0)::int as deprovisions
			from provisioning_activity
			where org_id = ${orgId}::uuid and bucket_start >= ${from.toISOString()}::timestamptz`,
	);
	return {
		range,
		bucket,
		from: from.toISOString(),
		to: now.toISOString(),
		totals: totals ?? zero(),
		connections: connections.slice(0, MAX_CHARTED_CONNECTIONS),
		truncated: connections.length > MAX_CHARTED_CONNECTIONS,
	};
}
