import { rows, uuidArray } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";
import { save, seedPeople, streamClientFor, tablesDigest, tierMapping } from "./mappings.helpers.ts";

let h: ConsoleHarness;
let other: ConsoleUser;
let people: string[];
beforeAll(async () => {
	h = await createConsoleHarness();
	other = await h.adminOf("other-org");
	people = await seedPeople(h, h.organization, "crud", 40, { Engineering: 2, Admins: 10 });
	await seedPeople(h, other.organization, "theirs", 30, { Engineering: 3 });
});
afterAll(async () => {
	await h.close();
});

const admin = () => streamClientFor(h, h.admin.token);

async function auditOf(action: string, entityId: string) {
	return rows<{
		actor_type: string;
		actor_id: string;
		actor_name: string;
		metadata: unknown;
		changes: unknown;
	}>(
		h.db.db,
		sql`select actor_type, actor_id, actor_name, metadata, changes from audit_events
			where action = ${action} and entity_id = ${entityId} order by id`,
	);
}

function json(value: unknown) {
	return typeof value === "string" ? JSON.parse(value) : value;
}

describe("mappings: create, list, update, delete", () => {
	it("saves each change in one audited transaction and lists mappings by priority with their grants", async () => {
		const created = await save(admin(), tierMapping("crud-Engineering", "PROJECTADMIN", 50));
		expect(created.saved).toMatchObject({ usersRecomputed: 20, usersChanged: 20 });
		expect(created.saved.impact).toMatchObject({ usersAffected: 20, tierRaised: 20, tierLowered: 0 });
		expect(created.progress[0]).toEqual({ kind: "progress", usersExamined: 0, usersChanged: 0 });
		const id = created.saved.mapping.id;

		const second = await save(admin(), tierMapping("crud-Admins", "ADMIN", 10));
		const list = await h.admin.client.mappings.list.query();
		expect(list.total).toBe(2);
		expect(list.projectRoles).toEqual(["admin", "write", "read"]);
		expect(list.mappings.map((m) => [m.matchValue, m.priority, m.usersGranted])).toEqual([
			["crud-Admins", 10, 4],
			["crud-Engineering", 50, 16],
		]);
		expect(typeof list.mappings[0]?.createdAt).toBe("string");

		const [event] = await auditOf("ROLE_MAPPING_CREATED", id);
		expect(event).toMatchObject({ actor_type: "admin", actor_id: h.admin.userId, actor_name: h.admin.email });
		expect(json(event?.metadata)).toEqual({ usersRecomputed: 20, usersChanged: 20 });

		const updated = await save(admin(), {
			...tierMapping("crud-Admins", "USER", 50),
			action: "update",
			id,
		});
		expect(updated.saved.mapping).toMatchObject({ id, matchValue: "crud-Admins", tier: "USER" });
		expect(updated.saved.impact).toMatchObject({ tierLowered: 16, tierRaised: 0 });
		expect(json((await auditOf("ROLE_MAPPING_UPDATED", id))[0]?.changes)).toMatchObject({
			matchValue: { old: "crud-Engineering", new: "crud-Admins" },
			tier: { old: "PROJECTADMIN", new: "USER" },
		});

		for (const mappingId of [id, second.saved.mapping.id]) {
			const deleted = await save(admin(), { action: "delete", id: mappingId });
			expect(deleted.saved.mapping.id).toBe(mappingId);
			expect(await auditOf("ROLE_MAPPING_DELETED", mappingId)).toHaveLength(1);
		}
		expect((await h.admin.client.mappings.list.query()).total).toBe(0);
		const [tiers] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from users where id in (select unnest(${uuidArray(people)})) and access_tier <> 'NONE'`,
		);
		expect(tiers?.n).toBe(0);
	});

	it("offers provisioned groups by displayName or externalId, names starting with the search first", async () => {
		const found = await h.admin.client.mappings.groupOptions.query({ search: "ENGIN" });
		expect(found).toEqual([
			{
				id: expect.any(String),
				displayName: "crud-Engineering",
				externalId: "ext-crud-Engineering",
				members: 20,
			},
		]);
		const byExternalId = await h.admin.client.mappings.groupOptions.query({ search: "ext-crud-adm" });
		expect(byExternalId.map((g) => g.displayName)).toEqual(["crud-Admins"]);
		expect(await h.admin.client.mappings.groupOptions.query({ search: "%" })).toEqual([]);
		expect((await h.admin.client.mappings.groupOptions.query({})).map((g) => g.displayName)).toEqual([
			"crud-Admins",
			"crud-Engineering",
		]);
	});
});

describe("mappings: input validation", () => {
	it("refuses bad fields with fieldErrors naming them, and changes nothing", async () => {
		const before = await tablesDigest(h);
		const cases: [Record<string, unknown>, string][] = [
			[{ ...tierMapping("x", "ADMIN"), matchValue: "  " }, "matchValue"],
			[{ ...tierMapping("x", "ADMIN"), tier: null }, "tier"],
			[{ ...tierMapping("x", "ADMIN"), tier: "GOD" }, "tier"],
			[{ ...tierMapping("x", "ADMIN"), matchKind: "nickname" }, "matchKind"],
			[{ ...tierMapping("x", "ADMIN"), priority: -1 }, "priority"],
			[
				{ ...tierMapping("x", "ADMIN"), targetKind: "project_role", tier: null, projectRole: "read" },
				"projectSelector",
			],
			[{ ...tierMapping("x", "ADMIN"), targetKind: "project_role", projectSelector: "atlas" }, "projectRole"],
		];
		for (const [input, field] of cases) {
			for (const procedure of [
				h.admin.client.mappings.preview,
				streamClientFor(h, h.admin.token).mappings.save,
			]) {
				const refused = await procedure.mutate(input as never).then(
					() => undefined,
					(error: unknown) => error,
				);
				expect(refused, field).toMatchObject({
					data: { code: "BAD_REQUEST", fieldErrors: { [field]: expect.any(Array) } },
				});
			}
		}
		await expect(
			h.admin.client.mappings.preview.mutate({
				...tierMapping("x", "ADMIN"),
				targetKind: "project_role",
				projectSelector: "atlas",
				projectRole: "owner",
			}),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
			message: expect.stringContaining('Unknown project role "owner"'),
		});
		expect(await tablesDigest(h)).toEqual(before);
	});
});

describe("mappings: tenant isolation", () => {
	it("another organization's mapping id answers like an unknown one and is never changed", async () => {
		const mine = await save(admin(), tierMapping("crud-Engineering", "USER"));
		const id = mine.saved.mapping.id;
		const before = await tablesDigest(h);
		const theirs = streamClientFor(h, other.token);
		for (const ghost of [id, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
			const changes = [
				{ ...tierMapping("x", "ADMIN"), action: "update", id: ghost } as const,
				{ action: "delete", id: ghost } as const,
			];
			for (const change of changes) {
				await expect(other.client.mappings.preview.mutate(change)).rejects.toMatchObject({
					data: { code: "NOT_FOUND" },
				});
				await expect(save(theirs, change)).rejects.toMatchObject({
					data: { code: "NOT_FOUND" },
					message: `Unknown role mapping "${ghost}"`,
				});
			}
		}
		expect(await tablesDigest(h)).toEqual(before);
		expect((await other.client.mappings.list.query()).mappings).toEqual([]);
		expect(await other.client.mappings.groupOptions.query({ search: "crud" })).toEqual([]);
	});

	it("a preview counts only the administrator's own organization's users", async () => {
		const impact = await other.client.mappings.preview.mutate({
			action: "create",
			matchKind: "role_urn",
			matchValue: "contoso.*",
			targetKind: "tier",
			tier: "ADMIN",
		});
		expect(impact).toMatchObject({ usersExamined: 30, usersAffected: 4, tierRaised: 4 });
		expect(impact.users.every((user) => user.userName.startsWith("theirs-"))).toBe(true);
	});
});

describe("mappings: authorization", () => {
	it("refuses anonymous and non-admin callers on every mapping procedure", async () => {
		const member = await h.memberOf("default");
		const before = await tablesDigest(h);
		for (const [client, code] of [
			[h.trpcFor(), "UNAUTHORIZED"],
			[member.client, "FORBIDDEN"],
		] as const) {
			await expect(client.mappings.list.query()).rejects.toMatchObject({ data: { code } });
			await expect(client.mappings.groupOptions.query({})).rejects.toMatchObject({ data: { code } });
			await expect(client.mappings.preview.mutate(tierMapping("crud-Admins", "ADMIN"))).rejects.toMatchObject(
				{
					data: { code },
				},
			);
			await expect(client.mappings.save.mutate(tierMapping("crud-Admins", "ADMIN"))).rejects.toMatchObject({
				data: { code },
			});
		}
		expect(await tablesDigest(h)).toEqual(before);
	});
});
