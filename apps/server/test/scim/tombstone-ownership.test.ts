import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { configureOrganization } from "../../src/organizations/settings.ts";
import { createScimHarness, type ScimClient, type ScimHarness } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

let h: ScimHarness;
let other: ScimClient;

beforeAll(async () => {
	h = await createScimHarness();
	other = h.clientFor(await h.issueToken("default", "second-idp"));
});
afterAll(async () => {
	await h.close();
});

async function create(client: ScimClient, userName: string, externalId: string): Promise<string> {
	const reply = await client("POST", "/Users", { schemas: [USER_SCHEMA], userName, externalId });
	expect(reply.status, reply.text).toBe(201);
	return reply.body?.id as string;
}

async function tombstone(userName: string, externalId: string): Promise<string> {
	const id = await create(h.scim, userName, externalId);
	expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
	return id;
}

async function row(id: string) {
	const [found] = await rows<{ is_deleted: boolean; user_name: string; connection: string | null }>(
		h.db.db,
		sql`select u.is_deleted, u.user_name, c.name as connection
			from users u left join scim_connections c on c.id = u.connection_id where u.id = ${id}::uuid`,
	);
	return found;
}

async function shareOwnership(allow: boolean) {
	await configureOrganization(h.db.db, {
		organization: await requireOrganization(h.db.db, "default"),
		change: { allowSharedOwnership: allow },
		actor: "test",
	});
}

describe("a tombstone is restored by externalId only by a connection that may change it", () => {
	it("another connection gets a new user; the tombstone stays its owner's, who can still restore it", async () => {
		const gone = await tombstone("kim@example.com", "emp-1");
		const fresh = await create(other, "kim@example.com", "emp-1");
		expect(fresh).not.toBe(gone);
		expect(await row(gone)).toEqual({
			is_deleted: true,
			user_name: "kim@example.com",
			connection: "primary",
		});
		expect(await row(fresh)).toEqual({
			is_deleted: false,
			user_name: "kim@example.com",
			connection: "second-idp",
		});
		expect(await create(h.scim, "kim.restored@example.com", "emp-1")).toBe(gone);
		expect(await row(gone)).toEqual({
			is_deleted: false,
			user_name: "kim.restored@example.com",
			connection: "primary",
		});
	});

	it("with shared ownership allowed, another connection restores it (and takes it over)", async () => {
		const gone = await tombstone("lee@example.com", "emp-2");
		await shareOwnership(true);
		try {
			expect(await create(other, "lee@example.com", "emp-2")).toBe(gone);
			expect(await row(gone)).toEqual({
				is_deleted: false,
				user_name: "lee@example.com",
				connection: "second-idp",
			});
		} finally {
			await shareOwnership(false);
		}
	});

	it("a restore leaves nothing of the new user its create began: one row, one event, both the tombstone's", async () => {
		const gone = await tombstone("ada@example.com", "emp-5");
		expect(await create(h.scim, "ada.back@example.com", "emp-5")).toBe(gone);
		const users = await rows<{ id: string }>(h.db.db, sql`select id from users where external_id = 'emp-5'`);
		expect(users).toEqual([{ id: gone }]);
		const events = await rows<{ entity_id: string; restored: boolean | null }>(
			h.db.db,
			sql`select entity_id, (metadata->>'restored')::boolean as restored from audit_events
				where action = 'SCIM_USER_PROVISIONED' and entity_name like 'ada%' order by id`,
		);
		expect(events).toEqual([
			{ entity_id: gone, restored: null },
			{ entity_id: gone, restored: true },
		]);
	});

	it("an unowned tombstone (its connection was deleted) is restored by any connection", async () => {
		const gone = await tombstone("max@example.com", "emp-3");
		await h.db.db.execute(sql`update users set connection_id = null where id = ${gone}::uuid`);
		expect(await create(other, "max@example.com", "emp-3")).toBe(gone);
	});

	it("a connection restores its own tombstone even when another connection has a newer one with that externalId", async () => {
		const unowned = await tombstone("old.noa@example.com", "emp-4");
		await h.db.db.execute(sql`update users set connection_id = null where id = ${unowned}::uuid`);
		const own = await create(other, "noa@example.com", "emp-4");
		expect(own).toBe(unowned);
		expect((await other("DELETE", `/Users/${own}`)).status).toBe(204);
		const foreign = await tombstone("noa.b@example.com", "emp-4");
		expect(await create(other, "noa.again@example.com", "emp-4")).toBe(own);
		expect(await row(foreign)).toMatchObject({ is_deleted: true, connection: "primary" });
	});
});
