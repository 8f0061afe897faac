import { timingSafeEqual } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";

/**
 * The bare-server baseline of `pnpm bench`: the least a SCIM server on Hono + postgres-js can do for
 * the benchmarked requests, with a constant bearer token and no logging, parsing, validation or
 * access rules beyond what each request's SQL needs. It writes Roster's own tables on the bench
 * database (users, audit_events, group_members, sessions): their constraints did not get in the way,
 * and the same tables, indexes and trigger make the comparison fair.
 *
 * Env: DATABASE_URL, PORT, TOKEN, ORG_ID and CONNECTION_ID (the bench organization and connection).
 */

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`bare server: ${name} is required`);
	return value;
}

const orgId = required("ORG_ID");
const connectionId = required("CONNECTION_ID");
const expected = Buffer.from(`Bearer ${required("TOKEN")}`);
/** Roster's default pool size, so neither server has more connections than the other. */
const sql = postgres(required("DATABASE_URL"), { max: 10, onnotice: () => {} });

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCIM_JSON = { "Content-Type": "application/scim+json" };

interface UserRow {
	id: string;
	user_name: string;
	display_name: string | null;
	is_active: boolean;
}

function scimUser(row: UserRow): Record<string, unknown> {
	return {
		schemas: [USER_SCHEMA],
		id: row.id,
		userName: row.user_name,
		displayName: row.display_name,
		active: row.is_active,
		meta: { resourceType: "User", location: `/scim/v2/Users/${row.id}` },
	};
}

function authorized(header: string | undefined): boolean {
	const given = Buffer.from(header ?? "");
	return given.length === expected.length && timingSafeEqual(given, expected);
}

type Body = Record<string, unknown>;
type Operation = { op?: unknown; path?: unknown; value?: unknown };

function operations(body: Body): Operation[] {
	return Array.isArray(body.Operations) ? (body.Operations as Operation[]) : [];
}

/** Okta's `{"op":"replace","value":{"active":false}}` or Entra's `Replace active "False"`. */
function deactivates(body: Body): boolean {
	return operations(body).some((operation) => {
		if (String(operation.op).toLowerCase() !== "replace") return false;
		const value = operation.value;
		if (operation.path === "active") return value === false || value === "False";
		return typeof value === "object" && value !== null && (value as Body).active === false;
	});
}

const MEMBER_FILTER = /^members\[value eq "([^"]+)"\]$/;

/** The members an Entra `Add members` PATCH adds, or the one its filtered `remove` removes. */
function memberChange(body: Body): { add: boolean; userIds: string[] } | undefined {
	const [operation] = operations(body);
	const op = String(operation?.op).toLowerCase();
	if (op === "add" && operation?.path === "members" && Array.isArray(operation.value)) {
		const userIds = (operation.value as Body[]).map((member) => member?.value);
		return userIds.every((id) => typeof id === "string")
			? { add: true, userIds: userIds as string[] }
			: undefined;
	}
	const userId = op === "remove" ? MEMBER_FILTER.exec(String(operation?.path))?.[1] : undefined;
	return userId === undefined ? undefined : { add: false, userIds: [userId] };
}

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));

const scim = new Hono();
scim.use(async (c, next) => {
	if (!authorized(c.req.header("Authorization"))) return c.json({ status: "401" }, 401);
	await next();
});

scim.post("/Users", async (c) => {
	const body = await c.req.json<Body>();
	const userName = String(body.userName);
	const name = (body.name ?? {}) as Body;
	const email = ((body.emails as Body[] | undefined)?.[0]?.value as string | undefined) ?? null;
	const displayName = (body.displayName as string | undefined) ?? null;
	const enterprise = body[ENTERPRISE] as postgres.JSONValue | undefined;
	const user = await sql.begin(async (tx) => {
		const [row] = await tx<UserRow[]>`
			insert into users (org_id, user_name, email, display_name, given_name, family_name, external_id,
				connection_id, auth_method, attributes)
			values (${orgId}, ${userName}, ${email}, ${displayName}, ${(name.givenName as string | undefined) ?? null},
				${(name.familyName as string | undefined) ?? null}, ${(body.externalId as string | undefined) ?? null},
				${connectionId}, 'SCIM', ${tx.json(enterprise ? { [ENTERPRISE]: enterprise } : {})})
			returning id, user_name, display_name, is_active`;
		if (!row) throw new Error("insert returned no row");
		await tx`
			insert into audit_events (org_id, actor_type, actor_id, actor_name, action, entity_type, entity_id,
				entity_name, changes)
			values (${orgId}, 'scim_connection', ${connectionId}, 'bare', 'SCIM_USER_PROVISIONED', 'User', ${row.id},
				${userName}, ${tx.json({ userName: { old: null, new: userName }, email: { old: null, new: email } })})`;
		return row;
	});
	return c.json(scimUser(user), 201, SCIM_JSON);
});

const USERNAME_EQ = /^userName eq "([^"]*)"$/;

scim.get("/Users", async (c) => {
	const userName = USERNAME_EQ.exec(c.req.query("filter") ?? "")?.[1];
	if (userName === undefined) return c.json({ status: "400", scimType: "invalidFilter" }, 400);
	const rows = await sql<UserRow[]>`
		select id, user_name, display_name, is_active from users
		where org_id = ${orgId} and not is_deleted and lower(user_name) = lower(${userName})`;
	return c.json(
		{
			schemas: [LIST_SCHEMA],
			totalResults: rows.length,
			startIndex: 1,
			itemsPerPage: rows.length,
			Resources: rows.map(scimUser),
		},
		200,
		SCIM_JSON,
	);
});

/**
 * Deactivation only. Besides the update and its audit row it deletes the user's sessions and drops the
 * tier to NONE, as Roster does, so the bench's after-check (no session, tier NONE) holds for both.
 */
scim.patch("/Users/:id", async (c) => {
	const id = c.req.param("id");
	if (!deactivates(await c.req.json<Body>())) return c.json({ status: "400" }, 400);
	const user = await sql.begin(async (tx) => {
		const [row] = await tx<UserRow[]>`
			update users set is_active = false, access_tier = 'NONE', deactivated_at = now(), updated_at = now(),
				version = version + 1
			where id = ${id} and org_id = ${orgId} and not is_deleted
			returning id, user_name, display_name, is_active`;
		if (!row) return undefined;
		await tx`delete from sessions where user_id = ${id}`;
		await tx`
			insert into audit_events (org_id, actor_type, actor_id, actor_name, action, entity_type, entity_id,
				entity_name, changes)
			values (${orgId}, 'scim_connection', ${connectionId}, 'bare', 'SCIM_USER_DEPROVISIONED', 'User', ${id},
				${row.user_name}, ${tx.json({ active: { old: true, new: false } })})`;
		return row;
	});
	if (!user) return c.json({ status: "404" }, 404);
	return c.json(scimUser(user), 200, SCIM_JSON);
});

const DISPLAY_NAME_EQ = /^displayName eq "([^"]*)"$/;

/** Entra's lookup before a group create (`excludedAttributes=members`): one indexed select. */
scim.get("/Groups", async (c) => {
	const displayName = DISPLAY_NAME_EQ.exec(c.req.query("filter") ?? "")?.[1];
	if (displayName === undefined) return c.json({ status: "400", scimType: "invalidFilter" }, 400);
	const rows = await sql<{ id: string; display_name: string }[]>`
		select id, display_name from groups where org_id = ${orgId} and lower(display_name) = lower(${displayName})`;
	return c.json(
		{
			schemas: [LIST_SCHEMA],
			totalResults: rows.length,
			startIndex: 1,
			itemsPerPage: rows.length,
			Resources: rows.map((row) => ({ schemas: [GROUP_SCHEMA], id: row.id, displayName: row.display_name })),
		},
		200,
		SCIM_JSON,
	);
});

/** A group without members (Entra adds them with PATCHes) and its audit row, in one transaction. */
scim.post("/Groups", async (c) => {
	const body = await c.req.json<Body>();
	const displayName = String(body.displayName);
	const group = await sql.begin(async (tx) => {
		const [row] = await tx<{ id: string }[]>`
			insert into groups (org_id, display_name, external_id, connection_id)
			values (${orgId}, ${displayName}, ${(body.externalId as string | undefined) ?? null}, ${connectionId})
			returning id`;
		if (!row) throw new Error("insert returned no row");
		await tx`
			insert into audit_events (org_id, actor_type, actor_id, actor_name, action, entity_type, entity_id,
				entity_name, changes)
			values (${orgId}, 'scim_connection', ${connectionId}, 'bare', 'SCIM_GROUP_PROVISIONED', 'Group', ${row.id},
				${displayName}, ${tx.json({ displayName: { old: null, new: displayName } })})`;
		return row;
	});
	return c.json({ schemas: [GROUP_SCHEMA], id: group.id, displayName, members: [] }, 201, SCIM_JSON);
});

scim.patch("/Groups/:id", async (c) => {
	const groupId = c.req.param("id");
	const change = memberChange(await c.req.json<Body>());
	if (!change) return c.json({ status: "400" }, 400);
	await sql.begin(async (tx) => {
		if (change.add) {
			await tx`insert into group_members (group_id, user_id)
				select ${groupId}, unnest(${change.userIds}::uuid[]) on conflict do nothing`;
		} else {
			await tx`delete from group_members where group_id = ${groupId} and user_id = ${change.userIds[0] ?? ""}`;
		}
		await tx`
			insert into audit_events (org_id, actor_type, actor_id, actor_name, action, entity_type, entity_id,
				changes)
			values (${orgId}, 'scim_connection', ${connectionId}, 'bare', 'SCIM_GROUP_SYNCED', 'Group', ${groupId},
				${tx.json({ members: change.add ? { added: change.userIds } : { removed: change.userIds } })})`;
	});
	return c.body(null, 204);
});

app.route("/scim/v2", scim);

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(required("PORT")) });

process.once("SIGTERM", () => {
	server.close(() => {
		sql.end({ timeout: 5 }).then(
			() => process.exit(0),
			() => process.exit(1),
		);
	});
});
