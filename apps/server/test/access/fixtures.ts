import { type Database, rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { createRoleMapping, type RoleMappingInput } from "../../src/access/mappings.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { TEST_SECRET } from "../helpers.ts";
import type { ScimHarness } from "../scim/harness.ts";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A user's stored decision, read straight from the tables (reads never resolve on the fly). */
export interface StoredAccess {
	tier: string;
	source: string | null;
	explanation: {
		granted: { value: string; source?: string }[];
		ignored: { value: string; reason: string }[];
	} | null;
	computedAt: string | null;
	projectRoles: { project: string; role: string; source: string }[];
}

export async function storedAccess(h: ScimHarness, userId: string): Promise<StoredAccess> {
	const [user] = await rows<{
		tier: string;
		source: string | null;
		explanation: unknown;
		computed_at: string | null;
	}>(
		h.db.db,
		sql`select access_tier as tier, access_tier_source as source, access_explanation as explanation,
			access_computed_at::text as computed_at from users where id = ${userId}::uuid`,
	);
	if (!user) throw new Error(`no user ${userId}`);
	const roles = await rows<{ project: string; role: string; source: string }>(
		h.db.db,
		sql`select p.slug as project, r.role, r.source from user_project_roles r join projects p on p.id = r.project_id
			where r.user_id = ${userId}::uuid order by p.slug`,
	);
	const explanation =
		typeof user.explanation === "string" ? JSON.parse(user.explanation) : (user.explanation ?? null);
	return {
		tier: user.tier,
		source: user.source,
		explanation: explanation as StoredAccess["explanation"],
		computedAt: user.computed_at,
		projectRoles: roles,
	};
}

export async function tierOf(h: ScimHarness, userId: string): Promise<string> {
	return (await storedAccess(h, userId)).tier;
}

export async function provisionUser(
	h: ScimHarness,
	userName: string,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const res = await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName, active: true, ...extra });
	expect(res.status, res.text).toBe(201);
	return res.body?.id as string;
}

export async function provisionGroup(
	h: ScimHarness,
	displayName: string,
	members: string[] = [],
): Promise<string> {
	const res = await h.scim("POST", "/Groups", {
		schemas: [GROUP_SCHEMA],
		displayName,
		members: members.map((value) => ({ value })),
	});
	expect(res.status, res.text).toBe(201);
	return res.body?.id as string;
}

export async function patch(h: ScimHarness, path: string, ...operations: Record<string, unknown>[]) {
	const res = await h.scim("PATCH", path, { schemas: [PATCH_SCHEMA], Operations: operations });
	expect([200, 204], res.text).toContain(res.status);
	return res;
}

export async function mapping(h: ScimHarness, input: RoleMappingInput) {
	return createRoleMapping(h.db.db, {
		organization: h.organization,
		mapping: input,
		actor: { type: "system", name: "access-test" },
	});
}

/** Creates a project the way a console change would: the row plus an access-version bump. */
export async function addProject(h: ScimHarness, slug: string): Promise<string> {
	const [project] = await rows<{ id: string }>(
		h.db.db,
		sql`with created as (
				insert into projects (org_id, slug, name) values (${h.organization.id}::uuid, ${slug}, ${slug}) returning id),
			bumped as (update organizations set access_version = access_version + 1 where id = ${h.organization.id}::uuid)
			select id from created`,
	);
	if (!project) throw new Error("project insert returned nothing");
	return project.id;
}

/** Signs a user in with the real session service; returns the session token. */
export async function signIn(h: ScimHarness, userId: string): Promise<string> {
	return (await createSession(h.db.db, { userId, secret: TEST_SECRET })).token;
}

export async function sessionCount(db: Database, userId: string): Promise<number> {
	const [row] = await rows<{ n: number }>(
		db,
		sql`select count(*)::int as n from sessions where user_id = ${userId}::uuid`,
	);
	return Number(row?.n ?? 0);
}

/** The console API's `session.me` with a session token: 200 while the session lives, 401 once it is gone. */
export async function sessionStatus(h: ScimHarness, token: string): Promise<number> {
	const res = await h.app.request("http://roster.test/trpc/session.me", {
		headers: { Authorization: `Bearer ${token}` },
	});
	return res.status;
}

export async function latestAudit(h: ScimHarness, action: string, entityId: string) {
	const [event] = await rows<{ changes: unknown; metadata: unknown }>(
		h.db.db,
		sql`select changes, metadata from audit_events where action = ${action} and entity_id = ${entityId}
			order by id desc limit 1`,
	);
	const parse = (value: unknown) =>
		(typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
	return event ? { changes: parse(event.changes), metadata: parse(event.metadata) } : undefined;
}
