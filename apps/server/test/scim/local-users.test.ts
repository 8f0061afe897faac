import { randomUUID } from "node:crypto";
import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmin } from "../../src/users/admins.ts";
import { createScimHarness, type ScimHarness, type ScimReply } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const ADMIN_EMAIL = "root@example.com";

let h: ScimHarness;
let adminId: string;
let scimUserId: string;

interface StoredAdmin {
	user_name: string;
	is_active: boolean;
	is_deleted: boolean;
	access_tier: string;
	access_tier_source: string | null;
	connection_id: string | null;
	version: number;
}

async function storedAdmin(): Promise<StoredAdmin> {
	const [row] = await rows<StoredAdmin>(
		h.db.db,
		sql`select user_name, is_active, is_deleted, access_tier::text as access_tier, access_tier_source,
				connection_id, version
			from users where id = ${adminId}::uuid`,
	);
	if (!row) throw new Error("the local administrator is gone");
	return row;
}

const UNTOUCHED: StoredAdmin = {
	user_name: ADMIN_EMAIL,
	is_active: true,
	is_deleted: false,
	access_tier: "ADMIN",
	access_tier_source: "console",
	connection_id: null,
	version: 1,
};

/** The answer for an id nobody has, with that id swapped for `id`: a local user must get exactly this. */
async function unknownAnswer(method: string, resource: string, id: string, body?: unknown) {
	const other = randomUUID();
	const reply = await h.scim(method, `/${resource}/${other}`, body);
	return { status: reply.status, body: JSON.parse(reply.text.replaceAll(other, id)) as unknown };
}

function idsIn(reply: ScimReply): string[] {
	return ((reply.body?.Resources as { id: string }[] | undefined) ?? []).map((resource) => resource.id);
}

function list(path: string, filter: string): Promise<ScimReply> {
	return h.scim("GET", `${path}?filter=${encodeURIComponent(filter)}`);
}

beforeAll(async () => {
	h = await createScimHarness();
	const admin = await createAdmin(h.db.db, {
		organization: h.organization,
		email: ADMIN_EMAIL,
		password: "a long enough password",
	});
	adminId = admin.id;
	await h.db.db.execute(sql`update users set external_id = 'admin-ext' where id = ${adminId}::uuid`);
	const created = await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName: "ada@example.com" });
	expect(created.status, created.text).toBe(201);
	scimUserId = created.body?.id as string;
});
afterAll(async () => {
	await h.close();
});

describe("a local (INTERNAL) administrator is invisible to SCIM", () => {
	it("GET, PUT, PATCH and DELETE /Users/{id} answer exactly as for an id nobody has, and change nothing", async () => {
		const put = { schemas: [USER_SCHEMA], userName: "renamed@example.com", active: false };
		const patch = { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] };
		for (const [method, body] of [
			["GET", undefined],
			["PUT", put],
			["PATCH", patch],
			["DELETE", undefined],
		] as const) {
			for (const id of [adminId, adminId.toUpperCase()]) {
				const reply = await h.scim(method, `/Users/${id}`, body);
				expect({ status: reply.status, body: reply.body }, `${method} ${id}`).toEqual(
					await unknownAnswer(method, "Users", id, body),
				);
			}
		}
		expect(await storedAdmin()).toEqual(UNTOUCHED);
	});

	it("is never listed, never matched by a filter, and never counted", async () => {
		const all = await h.scim("GET", "/Users");
		expect(idsIn(all)).toEqual([scimUserId]);
		expect(all.body?.totalResults).toBe(1);
		expect((await h.scim("GET", "/Users?count=0")).body?.totalResults).toBe(1);
		expect((await h.scim("GET", "/Users?startIndex=2")).body?.totalResults).toBe(1);
		for (const filter of [
			`userName eq "${ADMIN_EMAIL}"`,
			`userName eq "ROOT@EXAMPLE.COM"`,
			`externalId eq "admin-ext"`,
			`userName sw "root"`,
			`id eq "${adminId}"`,
			`emails.value co "root" or userName co "root"`,
			`active eq true and not (userName eq "ada@example.com")`,
		]) {
			const found = await list("/Users", filter);
			expect({ filter, ids: idsIn(found), total: found.body?.totalResults }).toEqual({
				filter,
				ids: [],
				total: 0,
			});
			const searched = await h.scim("POST", "/Users/.search", { filter });
			expect(searched.body?.totalResults, filter).toBe(0);
		}
		const root = await h.scim("POST", "/.search", { filter: `userName eq "${ADMIN_EMAIL}"` });
		expect(root.status, root.text).toBe(200);
		expect(root.body?.totalResults).toBe(0);
	});

	it("POST /Users with its userName is 409 uniqueness and never adopts it, also with its externalId", async () => {
		for (const body of [
			{ schemas: [USER_SCHEMA], userName: ADMIN_EMAIL, active: false },
			{ schemas: [USER_SCHEMA], userName: "Root@Example.com", externalId: "admin-ext", active: false },
		]) {
			const reply = await h.scim("POST", "/Users", body);
			expect(reply.status, reply.text).toBe(409);
			expect(reply.body).toMatchObject({ status: "409", scimType: "uniqueness" });
		}
		const rename = await h.scim("PATCH", `/Users/${scimUserId}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "replace", path: "userName", value: ADMIN_EMAIL }],
		});
		expect(rename.status).toBe(409);
		expect(await storedAdmin()).toEqual(UNTOUCHED);
	});

	it("a tombstoned local user is never resurrected by externalId", async () => {
		const [gone] = await rows<{ id: string }>(
			h.db.db,
			sql`insert into users (org_id, user_name, external_id, auth_method, is_active, is_deleted, access_tier, access_tier_source)
				values (${h.organization.id}::uuid, 'old-root@example.com', 'gone-ext', 'INTERNAL', false, true, 'ADMIN', 'console')
				returning id`,
		);
		const created = await h.scim("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "newcomer@example.com",
			externalId: "gone-ext",
		});
		expect(created.status, created.text).toBe(201);
		expect(created.body?.id).not.toBe(gone?.id);
		const [still] = await rows<{ is_deleted: boolean; auth_method: string; user_name: string }>(
			h.db.db,
			sql`select is_deleted, auth_method::text as auth_method, user_name from users where id = ${gone?.id}::uuid`,
		);
		expect(still).toEqual({ is_deleted: true, auth_method: "INTERNAL", user_name: "old-root@example.com" });
	});

	it("as a group member it is refused exactly like an unknown id, on POST, PUT and PATCH /Groups", async () => {
		const group = await h.scim("POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Staff" });
		const groupId = group.body?.id as string;
		const bodies = (member: string) => ({
			POST: { schemas: [GROUP_SCHEMA], displayName: "Admins", members: [{ value: member }] },
			PUT: { schemas: [GROUP_SCHEMA], displayName: "Staff", members: [{ value: member }] },
			PATCH: {
				schemas: [PATCH_SCHEMA],
				Operations: [{ op: "add", path: "members", value: [{ value: member }] }],
			},
		});
		for (const method of ["POST", "PUT", "PATCH"] as const) {
			const path = method === "POST" ? "/Groups" : `/Groups/${groupId}`;
			const other = randomUUID();
			const unknown = await h.scim(method, path, bodies(other)[method]);
			const local = await h.scim(method, path, bodies(adminId)[method]);
			expect(local.status, local.text).toBe(400);
			expect(local.body).toEqual(JSON.parse(unknown.text.replaceAll(other, adminId)));
		}
		const [memberships] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from group_members where user_id = ${adminId}::uuid`,
		);
		expect(memberships?.n).toBe(0);
	});

	it("a membership row it already has (made before this rule) is never shown or matched by group reads", async () => {
		const group = await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "Legacy",
			members: [{ value: scimUserId }],
		});
		const groupId = group.body?.id as string;
		await h.db.db.execute(
			sql`insert into group_members (group_id, user_id) values (${groupId}::uuid, ${adminId}::uuid)`,
		);
		const members = (reply: ScimReply) =>
			((reply.body?.members as { value: string }[] | undefined) ?? []).map((member) => member.value);
		expect(members(await h.scim("GET", `/Groups/${groupId}`))).toEqual([scimUserId]);
		const listed = await list("/Groups", `displayName eq "Legacy"`);
		const [legacy] = (listed.body?.Resources ?? []) as { members: { value: string }[] }[];
		expect(legacy?.members.map((member) => member.value)).toEqual([scimUserId]);
		expect((await list("/Groups", `members.value eq "${adminId}"`)).body?.totalResults).toBe(0);
		const onlyLocal = await h.scim("POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Hidden" });
		const onlyLocalId = onlyLocal.body?.id as string;
		await h.db.db.execute(
			sql`insert into group_members (group_id, user_id) values (${onlyLocalId}::uuid, ${adminId}::uuid)`,
		);
		expect(idsIn(await list("/Groups", "members pr"))).not.toContain(onlyLocalId);
		const patched = await h.scim("PATCH", `/Groups/${groupId}?attributes=members`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "replace", path: "displayName", value: "Legacy 2" }],
		});
		expect(members(patched)).toEqual([scimUserId]);
	});

	it("/Bulk reaches it no more than the single requests do", async () => {
		const reply = await h.scim("POST", "/Bulk", {
			schemas: [BULK_SCHEMA],
			Operations: [
				{
					method: "PATCH",
					path: `/Users/${adminId}`,
					data: { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] },
				},
				{ method: "DELETE", path: `/Users/${adminId}` },
			],
		});
		expect(reply.status, reply.text).toBe(200);
		const statuses = ((reply.body?.Operations ?? []) as { status: string }[]).map((op) => op.status);
		expect(statuses).toEqual(["404", "404"]);
		expect(await storedAdmin()).toEqual(UNTOUCHED);
	});
});
