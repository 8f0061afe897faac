import { type Executor, rows } from "@roster/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * A request body that turns a user off: a PUT with `active` false, or a PATCH operation setting `active`
 * to false with a path or inside a path-less value. `"False"` counts too, as Entra ID sends it.
 */
const SETS_ACTIVE_FALSE = [
	`$.active ? (@ == false || @ like_regex "^false$" flag "i")`,
	`$.Operations[*] ? (@.path like_regex "^active$" flag "i" && (@.value == false || @.value like_regex "^false$" flag "i"))`,
	`$.Operations[*] ? (!exists(@.path)).value.active ? (@ == false || @ like_regex "^false$" flag "i")`,
];

/** `POST /Users` or `POST /Groups` answered 201 Created. */
const IS_CREATE = sql.raw(`(method = 'POST' and status = 201 and path ~* '/(Users|Groups)$')`);

/**
 * A request shaped as an offboarding and accepted: `DELETE /Users/{id}` answered 204, or a PATCH or PUT
 * of `/Users/{id}` answered 2xx (200 or 204, as the connection's profile says) whose body sets `active` false. The dashboard counts requests, so a
 * repeated deactivation counts again; the audit trail (offboarding report, leavers) holds the exact ones.
 */
const IS_DEPROVISION = sql.raw(
	`((method = 'DELETE' and status = 204 and path ~* '/Users/[^/]+$') or (method in ('PATCH', 'PUT') and status between 200 and 299 and path ~* '/Users/[^/]+$' and (${SETS_ACTIVE_FALSE.map((path) => `request_body @? '${path}'`).join(" or ")})))`,
);

/**
 * The counts of provisioning-log rows per organization, UTC hour and connection, from `source`: a CTE
 * or table with the log's `org_id`, `connection_id`, `occurred_at`, `method`, `path`, `status` and
 * `request_body`. One home for what each counter means, shared by the writer, retention and backfill.
 * Ordered by key so concurrent writers lock buckets in the same order and never deadlock.
 */
export function activityCountsOf(source: SQL): SQL {
	return sql`select org_id, date_trunc('hour', occurred_at, 'UTC') as bucket_start, connection_id,
			count(*)::int as requests,
			(count(*) filter (where status >= 400))::int as errors,
			(count(*) filter (where ${IS_CREATE}))::int as creates,
			(count(*) filter (where ${IS_DEPROVISION}))::int as deprovisions
		from ${source} as logged
		where connection_id is not null
		group by 1, 2, 3
		order by 1, 2, 3`;
}

/** The log columns `activityCountsOf` reads, for a `returning` clause. */
export const ACTIVITY_COLUMNS = sql.raw(
	"org_id, connection_id, occurred_at, method, path, status, request_body",
);

/** Adds the counts of the rows `logged` (a CTE of just-inserted log rows) to their hourly buckets. */
export function addActivityOf(logged: SQL): SQL {
	return sql`insert into provisioning_activity (org_id, bucket_start, connection_id, requests, errors, creates, deprovisions)
		${activityCountsOf(logged)}
		on conflict (org_id, bucket_start, connection_id) do update set
			requests = provisioning_activity.requests + excluded.requests,
			errors = provisioning_activity.errors + excluded.errors,
			creates = provisioning_activity.creates + excluded.creates,
			deprovisions = provisioning_activity.deprovisions + excluded.deprovisions`;
}

/** Subtracts the counts of the rows `pruned` (a CTE of just-deleted log rows) from their buckets. */
export function subtractActivityOf(pruned: SQL): SQL {
	return sql`update provisioning_activity a set
			requests = a.requests - c.requests,
			errors = a.errors - c.errors,
			creates = a.creates - c.creates,
			deprovisions = a.deprovisions - c.deprovisions
		from (${activityCountsOf(pruned)}) as c
		where a.org_id = c.org_id and a.bucket_start = c.bucket_start and a.connection_id = c.connection_id`;
}

/**
 * Drops the buckets pruning emptied: only buckets past their organization's retention can be empty,
 * so the scan stays within the old end of each organization's key range.
 */
export async function dropEmptiedBuckets(db: Executor): Promise<void> {
	await db.execute(
		sql`delete from provisioning_activity a using organizations o
			where a.org_id = o.id
				and a.bucket_start < now() - make_interval(days => o.provisioning_log_retention_days)
				and a.requests <= 0`,
	);
}

/**
 * Recounts every bucket from the provisioning log, replacing what the rollup held: for a log written
 * before the rollup existed, and for the benchmark's seed. Run it while no SCIM traffic is logged, since
 * rows written meanwhile would be counted twice.
 */
export async function rebuildProvisioningActivity(db: Executor): Promise<{ buckets: number }> {
	return db.transaction(async (tx) => {
		await tx.execute(sql`delete from provisioning_activity`);
		const [result] = await rows<{ buckets: number }>(
			tx,
			sql`with rebuilt as (
					insert into provisioning_activity (org_id, bucket_start, connection_id, requests, errors, creates, deprovisions)
					${activityCountsOf(sql`provisioning_log`)}
					returning 1
				)
				select count(*)::int as buckets from rebuilt`,
		);
		return { buckets: result?.buckets ?? 0 };
	});
}
