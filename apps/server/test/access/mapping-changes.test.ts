import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createRoleMapping,
	deleteRoleMapping,
	type RoleMappingInput,
	updateRoleMapping,
} from "../../src/access/mappings.ts";
import { OperationError } from "../../src/operation-error.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { countingDatabase } from "./counting.ts";
import { addProject, latestAudit, provisionGroup, provisionUser, storedAccess } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

const actor = { type: "admin", id: "admin-1", name: "ada@console" } as const;

function create(mapping: RoleMappingInput, db = h.db.db) {
	return createRoleMapping(db, { organization: h.organization, mapping, actor });
}

async function snapshotOf(ids: string[]) {
	return Promise.all(ids.map(async (id) => storedAccess(h, id)));
}

describe("a mapping change updates everyone affected and no one else", () => {
	it("create, update (old and new match) and delete of a group mapping", async () => {
		const inA = [await provisionUser(h, "a1@example.com"), await provisionUser(h, "a2@example.com")];
		const inB = [await provisionUser(h, "b1@example.com")];
		const outside = [await provisionUser(h, "o1@example.com")];
		await provisionGroup(h, "Team A", inA);
		await provisionGroup(h, "Team B", inB);
		const untouched = await snapshotOf(outside);

		const created = await create({
			matchKind: "group_display_name",
			matchValue: "team a",
			targetKind: "tier",
			tier: "PROJECTADMIN",
		});
		expect(created).toMatchObject({ usersRecomputed: 2, usersChanged: 2 });
		expect((await snapshotOf(inA)).map((a) => a.tier)).toEqual(["PROJECTADMIN", "PROJECTADMIN"]);
		expect((await snapshotOf(inB)).map((a) => a.tier)).toEqual(["NONE"]);
		const audit = await latestAudit(h, "ROLE_MAPPING_CREATED", created.mapping.id);
		expect(audit?.metadata).toEqual({ usersRecomputed: 2, usersChanged: 2 });
		expect(audit?.changes).toMatchObject({
			matchValue: { old: null, new: "team a" },
			tier: { new: "PROJECTADMIN" },
		});

		const moved = await updateRoleMapping(h.db.db, {
			organization: h.organization,
			id: created.mapping.id,
			change: { matchValue: "Team B" },
			actor,
		});
		expect(moved).toMatchObject({ usersRecomputed: 3, usersChanged: 3 });
		expect((await snapshotOf(inA)).map((a) => a.tier)).toEqual(["NONE", "NONE"]);
		expect((await snapshotOf(inB)).map((a) => a.tier)).toEqual(["PROJECTADMIN"]);

		const removed = await deleteRoleMapping(h.db.db, {
			organization: h.organization,
			id: created.mapping.id,
			actor,
		});
		expect(removed).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		expect((await snapshotOf(inB)).map((a) => a.tier)).toEqual(["NONE"]);
		expect(await latestAudit(h, "ROLE_MAPPING_DELETED", created.mapping.id)).toBeDefined();

		expect(await snapshotOf(outside)).toEqual(untouched);
	});

	it("puts each user it moved on their own trail as access.changed, naming the mapping, in its transaction", async () => {
		const hermes = await addProject(h, "hermes");
		const member = await provisionUser(h, "hermes-dev@example.com");
		const bystander = await provisionUser(h, "hermes-bystander@example.com");
		await provisionGroup(h, "Hermes Devs", [member]);
		const created = await create({
			matchKind: "group_display_name",
			matchValue: "Hermes Devs",
			targetKind: "project_role",
			projectSelector: "hermes",
			projectRole: "write",
		});
		const cause = { mapping: { id: created.mapping.id, description: "group_display_name:Hermes Devs" } };
		const granted = await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", member);
		expect(granted?.changes).toMatchObject({
			projectRoles: { old: [], new: [{ projectId: hermes, projectSlug: "hermes", role: "write" }] },
		});
		expect(granted?.metadata).toEqual({ cause });
		expect(await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", bystander)).toBeUndefined();
		const [actorOf] = await rows<{ actor_name: string }>(
			h.db.db,
			sql`select actor_name from audit_events where action = 'SCIM_USER_ACCESS_CHANGED' and entity_id = ${member}`,
		);
		expect(actorOf?.actor_name).toBe(actor.name);

		await deleteRoleMapping(h.db.db, { organization: h.organization, id: created.mapping.id, actor });
		expect((await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", member))?.changes).toMatchObject({
			projectRoles: { old: [{ projectId: hermes, projectSlug: "hermes", role: "write" }], new: [] },
		});
	});

	it("a role_urn pattern reaches every user sending a matching role, and leaves the others' rows alone", async () => {
		await addProject(h, "atlas");
		const matching = await provisionUser(h, "legacy@example.com", { roles: ["Contoso.Engineer"] });
		const other = await provisionUser(h, "plain@example.com", { roles: ["Contoso.Sales"] });
		const before = await storedAccess(h, other);
		const result = await create({
			matchKind: "role_urn",
			matchValue: "contoso.eng*",
			targetKind: "project_role",
			projectSelector: "atlas",
			projectRole: "write",
		});
		expect(result.usersChanged).toBe(1);
		expect(result.usersRecomputed).toBeGreaterThanOrEqual(2);
		expect((await storedAccess(h, matching)).projectRoles).toEqual([
			{ project: "atlas", role: "write", source: `mapping:${result.mapping.id}` },
		]);
		expect(await storedAccess(h, other)).toEqual(before);
	});

	it("refuses invalid mappings with a OperationError and changes nothing", async () => {
		const [version] = await rows<{ v: number }>(
			h.db.db,
			sql`select access_version as v from organizations where id = ${h.organization.id}::uuid`,
		);
		for (const bad of [
			{ matchKind: "group_display_name", matchValue: "", targetKind: "tier", tier: "ADMIN" },
			{ matchKind: "group_display_name", matchValue: "X", targetKind: "tier" },
			{ matchKind: "group_display_name", matchValue: "X", targetKind: "tier", tier: "GOD" },
			{ matchKind: "nickname", matchValue: "X", targetKind: "tier", tier: "ADMIN" },
			{ matchKind: "role_urn", matchValue: "X", targetKind: "project_role", projectSelector: "atlas" },
			{
				matchKind: "role_urn",
				matchValue: "X",
				targetKind: "project_role",
				projectSelector: "a",
				projectRole: "owner",
			},
		]) {
			await expect(create(bad as RoleMappingInput)).rejects.toBeInstanceOf(OperationError);
		}
		await expect(
			deleteRoleMapping(h.db.db, { organization: h.organization, id: "not-a-uuid", actor }),
		).rejects.toMatchObject({ code: "not_found" });
		const [after] = await rows<{ v: number }>(
			h.db.db,
			sql`select access_version as v from organizations where id = ${h.organization.id}::uuid`,
		);
		expect(after?.v).toBe(version?.v);
	});
});

async function seedGroup(name: string, size: number): Promise<{ groupId: string; firstId: string }> {
	const groupId = await provisionGroup(h, name);
	const prefix = name.toLowerCase().replace(/\W+/g, "-");
	await h.db.db.execute(sql`
		with seeded as (
			insert into users (org_id, user_name, attributes)
			select ${h.organization.id}::uuid, ${prefix} || '-' || i || '@bulk.example', '{}'::jsonb
			from generate_series(1, ${size}::int) as i returning id)
		insert into group_members (group_id, user_id) select ${groupId}::uuid, id from seeded`);
	const [first] = await rows<{ user_id: string }>(
		h.db.db,
		sql`select user_id from group_members where group_id = ${groupId}::uuid limit 1`,
	);
	return { groupId, firstId: first?.user_id as string };
}

describe("recompute is set-based", () => {
	it("a mapping change on a 5,000-member group costs the same statements as on a 50-member one", async () => {
		await seedGroup("Small Crowd", 50);
		const big = await seedGroup("Big Crowd", 5_000);
		const counted = async (matchValue: string) => {
			const counter = countingDatabase(h.db.db);
			const result = await create(
				{ matchKind: "group_display_name", matchValue, targetKind: "tier", tier: "USER" },
				counter.db,
			);
			return { result, statements: counter.statements() };
		};
		const small = await counted("Small Crowd");
		const large = await counted("Big Crowd");
		expect(small.result).toMatchObject({ usersRecomputed: 50, usersChanged: 50 });
		expect(large.result).toMatchObject({ usersRecomputed: 5_000, usersChanged: 5_000 });
		expect(large.statements).toBeLessThanOrEqual(small.statements + 1);
		expect(large.statements).toBeLessThan(15);
		expect((await storedAccess(h, big.firstId)).tier).toBe("USER");
		const [tiers] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from users u join group_members gm on gm.user_id = u.id
				where gm.group_id = ${big.groupId}::uuid and u.access_tier = 'USER'`,
		);
		expect(tiers?.n).toBe(5_000);
	});
});
