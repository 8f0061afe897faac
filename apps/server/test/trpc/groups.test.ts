import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { GROUP_SCHEMA, provisionGroup, provisionUser } from "../access/fixtures.ts";
import { seedUsers } from "../scim/groups.fixtures.ts";
import { type ConsoleHarness, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let admins: string;
let engineers: string;
let alice: string;

beforeAll(async () => {
	h = await createConsoleHarness();
	alice = await provisionUser(h, "alice@example.com");
	const bob = await provisionUser(h, "bob@example.com");
	admins = await provisionGroup(h, "Okta-Admins", [alice]);
	const created = await h.scim("POST", "/Groups", {
		schemas: [GROUP_SCHEMA],
		displayName: "Engineers",
		externalId: "ext-eng",
		members: [{ value: alice }, { value: bob }],
	});
	expect(created.status).toBe(201);
	engineers = created.body?.id as string;
	await provisionGroup(h, "Sales_EMEA");
});
afterAll(async () => {
	await h.close();
});

const actor = { type: "system" as const, name: "test" };

describe("groups.list", () => {
	it("searches displayName and externalId by substring, with member counts and connection", async () => {
		const found = await h.admin.client.groups.list.query({ search: "ADMIN" });
		expect(found.rows).toEqual([
			expect.objectContaining({
				id: admins,
				displayName: "Okta-Admins",
				memberCount: 1,
				connection: expect.objectContaining({ name: "primary" }),
			}),
		]);
		expect((await h.admin.client.groups.list.query({ search: "ext-e" })).rows.map((g) => g.id)).toEqual([
			engineers,
		]);
		expect(
			(await h.admin.client.groups.list.query({ search: "s_e" })).rows.map((g) => g.displayName),
		).toEqual(["Sales_EMEA"]);
		expect((await h.admin.client.groups.list.query({ search: "s%e" })).rows).toEqual([]);
	});

	it("filters with SCIM filters and refuses invalid ones with BAD_REQUEST", async () => {
		const found = await h.admin.client.groups.list.query({
			mode: "scim",
			search: `members.value eq "${alice}"`,
		});
		expect(found.rows.map((g) => g.id).sort()).toEqual([admins, engineers].sort());
		await expect(
			h.admin.client.groups.list.query({ mode: "scim", search: "displayName eq" }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
	});

	it("sorts and pages by keyset without duplicates or gaps", async () => {
		for (let i = 0; i < 9; i++) await provisionGroup(h, `Team ${i}`);
		const expected = [
			"Engineers",
			"Okta-Admins",
			"Sales_EMEA",
			...Array.from({ length: 9 }, (_, i) => `Team ${i}`),
		];
		for (const direction of ["asc", "desc"] as const) {
			const names: string[] = [];
			let cursor: string | undefined;
			do {
				const page = await h.admin.client.groups.list.query({
					sort: "displayName",
					direction,
					limit: 5,
					cursor,
				});
				names.push(...page.rows.map((g) => g.displayName));
				expect(page.total).toEqual({ count: 12, exact: true });
				cursor = page.nextCursor ?? undefined;
			} while (cursor);
			expect(names).toEqual(direction === "asc" ? expected : [...expected].reverse());
		}
		const created = await h.admin.client.groups.list.query({ sort: "created", limit: 200 });
		expect(created.rows).toHaveLength(12);
	});
});

describe("groups.get", () => {
	it("shows the group with the mappings that match it by name (any case) or externalId, numbered by rank", async () => {
		const byName = await createRoleMapping(h.db.db, {
			organization: h.organization,
			mapping: {
				matchKind: "group_display_name",
				matchValue: "engineers",
				targetKind: "tier",
				tier: "USER",
				priority: 20,
			},
			actor,
		});
		const byExternal = await createRoleMapping(h.db.db, {
			organization: h.organization,
			mapping: {
				matchKind: "group_external_id",
				matchValue: "ext-eng",
				targetKind: "project_role",
				projectSelector: "*",
				projectRole: "write",
				priority: 5,
			},
			actor,
		});
		await createRoleMapping(h.db.db, {
			organization: h.organization,
			mapping: {
				matchKind: "group_display_name",
				matchValue: "Okta-Admins",
				targetKind: "tier",
				tier: "ADMIN",
				priority: 10,
			},
			actor,
		});
		const group = await h.admin.client.groups.get.query({ id: engineers });
		expect(group).toMatchObject({
			id: engineers,
			displayName: "Engineers",
			externalId: "ext-eng",
			memberCount: 2,
		});
		expect(group.mappings).toEqual([
			expect.objectContaining({
				id: byExternal.mapping.id,
				number: 1,
				projectRole: "write",
				projectSelector: "*",
				priority: 5,
			}),
			expect.objectContaining({
				id: byName.mapping.id,
				number: 3,
				tier: "USER",
				targetKind: "tier",
				priority: 20,
			}),
		]);
	});

	it("answers NOT_FOUND for unknown and malformed ids", async () => {
		await expect(
			h.admin.client.groups.get.query({ id: "00000000-0000-4000-8000-000000000000" }),
		).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		await expect(h.admin.client.groups.members.query({ id: "x" })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
	});
});

describe("groups.members", () => {
	it("pages a few-thousand-member group 50 at a time, each member once", async () => {
		const ids = await seedUsers(h, "big", 2500);
		const big = await provisionGroup(h, "Big");
		await rows(
			h.db.db,
			sql`insert into group_members (group_id, user_id) select ${big}::uuid, unnest(${`{${ids.join(",")}}`}::uuid[])`,
		);
		expect((await h.admin.client.groups.get.query({ id: big })).memberCount).toBe(2500);
		const seen: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const page = await h.admin.client.groups.members.query({ id: big, cursor });
			expect(page.rows.length).toBeLessThanOrEqual(50);
			seen.push(...page.rows.map((m) => m.id));
			cursor = page.nextCursor ?? undefined;
			pages++;
		} while (cursor);
		expect(pages).toBe(50);
		expect(new Set(seen).size).toBe(2500);
		expect([...seen].sort()).toEqual([...ids].sort());
	});

	it("lists members with their names and tier", async () => {
		const page = await h.admin.client.groups.members.query({ id: admins });
		expect(page).toMatchObject({
			rows: [{ id: alice, userName: "alice@example.com", active: true, tier: "ADMIN" }],
			nextCursor: null,
		});
	});
});

describe("tenant isolation", () => {
	it("another organization's administrator never sees these groups, their members or mappings", async () => {
		const other = await h.adminOf("other-org");
		expect((await other.client.groups.list.query({})).rows).toEqual([]);
		expect(
			(await other.client.groups.list.query({ mode: "scim", search: `members.value eq "${alice}"` })).rows,
		).toEqual([]);
		await expect(other.client.groups.get.query({ id: engineers })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		await expect(other.client.groups.members.query({ id: engineers })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
	});

	it("refuses non-administrators", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.groups.get.query({ id: engineers })).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
	});
});
