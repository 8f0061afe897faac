import { type Database, rows } from "@roster/db";
import {
	explainProvisioningError,
	type ProvisioningErrorExplanation,
} from "@roster/domain/inputs/provisioning-errors";
import type { ProvisioningLogFilterInput } from "@roster/domain/inputs/provisioning-log";
import { type SQL, sql } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";
import { likeLiteral } from "./filters.ts";
import type { Page } from "./viewer.ts";

/** One SCIM request as the provisioning log lists it (no bodies: those are fetched one row at a time). */
export interface ProvisioningLogRow {
	id: string;
	occurredAt: string;
	connection: { id: string; name: string } | null;
	method: string;
	path: string;
	status: number;
	durationMs: number;
	scimType: string | null;
	requestId: string | null;
	/** The IdP quirks Roster recognised and tolerated in the request (e.g. Entra's `"False"`). */
	quirks: string[];
}

/** One request with its redacted bodies and, for a failure, what it means and the likely fix. */
export interface ProvisioningLogDetail extends ProvisioningLogRow {
	requestBody: unknown;
	responseBody: unknown;
	explanation: ProvisioningErrorExplanation | null;
}

interface RawRow {
	id: string;
	occurred_at: string;
	connection_id: string | null;
	connection_name: string | null;
	method: string;
	path: string;
	status: number;
	duration_ms: number;
	scim_type: string | null;
	request_id: string | null;
	quirks: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Microsecond UTC text, so a cursor names a row's time exactly on both drivers. */
const OCCURRED_AT = sql`to_char(l.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const COLUMNS = sql`l.id::text as id, ${OCCURRED_AT} as occurred_at, l.connection_id::text as connection_id,
	c.name as connection_name, l.method, l.path, l.status, l.duration_ms, l.scim_type, l.request_id, l.quirks`;

/**
 * The id of the user a `user` filter names: an id as given, else the organization's user with that
 * userName (case-insensitive, on its unique index); undefined when there is none.
 */
async function userIdOf(db: Database, orgId: string, user: string): Promise<string | undefined> {
	if (UUID.test(user)) return user.toLowerCase();
	const [found] = await rows<{ id: string }>(
		db,
		sql`select id::text as id from users where org_id = ${orgId} and lower(user_name) = lower(${user}) limit 1`,
	);
	return found?.id;
}

/** The statuses a filter takes in, as `[from, to)`: one status, or its class (`4xx` is 400–499). */
function statusRange(status: NonNullable<ProvisioningLogFilterInput["status"]>): [number, number] {
	if (typeof status === "number") return [status, status + 1];
	const from = Number(status[0]) * 100;
	return [from, from + 100];
}

/** A validated integer written into the statement as a literal. */
function integerLiteral(value: number): SQL {
	if (!Number.isSafeInteger(value)) throw new TypeError(`${value} is not an integer`);
	return sql.raw(String(value));
}

/**
 * The status condition, its bounds written as literals rather than parameters: only then can PostgreSQL
 * prove `status >= 400` from it in a prepared statement's generic plan too, and page the errors over the
 * errors-only index.
 */
function statusWhere(status: ProvisioningLogFilterInput["status"]): SQL {
	if (status === undefined) return sql`true`;
	const [from, to] = statusRange(status);
	return sql`l.status >= ${integerLiteral(from)} and l.status < ${integerLiteral(to)}`;
}

/**
 * A page of an organization's SCIM requests, newest first, keyset-paged on (time, id) over the
 * `(org_id, occurred_at)` index. The `user` filter matches `/Users/{id}` in the path: a substring test on
 * rows the index walk reaches, bounded by the log's retention window (rows older than it are pruned).
 */
export async function listProvisioningLog(
	db: Database,
	orgId: string,
	input: ProvisioningLogFilterInput & { cursor?: string | undefined; limit: number },
): Promise<Page<ProvisioningLogRow>> {
	const parts: SQL[] = [sql`l.org_id = ${orgId}`, statusWhere(input.status)];
	if (input.connectionId) parts.push(sql`l.connection_id = ${input.connectionId}`);
	if (input.from) parts.push(sql`l.occurred_at >= ${input.from}::timestamptz`);
	if (input.to) parts.push(sql`l.occurred_at < ${input.to}::timestamptz`);
	if (input.user) {
		const userId = await userIdOf(db, orgId, input.user);
		if (userId === undefined) return { rows: [], nextCursor: null };
		parts.push(sql`l.path like ${`%/Users/${likeLiteral(userId)}%`}`);
	}
	if (input.cursor) {
		const [at, id] = input.cursor.split("~");
		parts.push(sql`(l.occurred_at, l.id) < (${at}::timestamptz, ${id}::bigint)`);
	}
	const found = await rows<RawRow>(
		db,
		sql`select ${COLUMNS} from provisioning_log l left join scim_connections c on c.id = l.connection_id
			where ${sql.join(parts, sql` and `)}
			order by l.occurred_at desc nulls last, l.id desc nulls last limit ${input.limit + 1}`,
	);
	const page = found.slice(0, input.limit).map(toRow);
	const last = page.at(-1);
	return {
		rows: page,
		nextCursor: found.length > input.limit && last ? `${last.occurredAt}~${last.id}` : null,
	};
}

/**
 * One request of the organization's log with its bodies (stored redacted by the SCIM adapter) and the
 * explanation of its error kind. Another organization's row answers exactly like a missing one.
 * @throws OperationError `not_found`
 */
export async function getProvisioningLogEntry(
	db: Database,
	orgId: string,
	id: string,
): Promise<ProvisioningLogDetail> {
	const [found] = await rows<RawRow & { request_body: string | null; response_body: string | null }>(
		db,
		sql`select ${COLUMNS}, l.request_body::text as request_body, l.response_body::text as response_body
			from provisioning_log l left join scim_connections c on c.id = l.connection_id
			where l.org_id = ${orgId} and l.id = ${id}::bigint`,
	);
	if (!found) throw new OperationError("not_found", "No such request in the provisioning log");
	return {
		...toRow(found),
		requestBody: found.request_body === null ? null : (JSON.parse(found.request_body) as unknown),
		responseBody: found.response_body === null ? null : (JSON.parse(found.response_body) as unknown),
		explanation: explainProvisioningError(found.status, found.scim_type) ?? null,
	};
}

function toRow(raw: RawRow): ProvisioningLogRow {
	return {
		id: raw.id,
		occurredAt: raw.occurred_at,
		connection:
			raw.connection_id === null ? null : { id: raw.connection_id, name: raw.connection_name ?? "(deleted)" },
		method: raw.method,
		path: raw.path,
		status: raw.status,
		durationMs: raw.duration_ms,
		scimType: raw.scim_type,
		requestId: raw.request_id,
		quirks: raw.quirks,
	};
}
