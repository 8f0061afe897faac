import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GROUP_SCHEMA, memberRows, patchOf, seedUsers } from "./groups.fixtures.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

async function newGroup(displayName: string): Promise<string> {
	const res = await h.scim("POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName, members: [] });
	expect(res.status).toBe(201);
	return res.body?.id as string;
}

async function addInBatches(groupId: string, ids: string[], size: number): Promise<void> {
	for (let start = 0; start < ids.length; start += size) {
		const batch = ids.slice(start, start + size).map((value) => ({ $ref: null, value }));
		const res = await h.scim(
			"PATCH",
			`/Groups/${groupId}`,
			patchOf({ op: "Add", path: "members", value: batch }),
		);
		expect(res.status).toBe(204);
	}
}

describe("membership at scale, as row deltas", () => {
	it("1,000 members added in batches of 100 (on a fresh, unanalyzed table), then some removed: exact rows", async () => {
		const users = await seedUsers(h, "scale", 1000);
		const id = await newGroup("Thousand");
		await addInBatches(id, users, 100);
		expect(await memberRows(h, id)).toHaveLength(1000);

		await addInBatches(id, users.slice(0, 200), 100);
		expect(await memberRows(h, id)).toHaveLength(1000);

		const entraRemoval = users.slice(0, 50).map((value) => ({ $ref: null, value }));
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "Remove", path: "members", value: entraRemoval },
				...users.slice(50, 60).map((value) => ({ op: "remove", path: `members[value eq "${value}"]` })),
			),
		);
		expect(res.status).toBe(204);
		const left = await memberRows(h, id);
		expect(left).toHaveLength(940);
		expect(left).toEqual([...users.slice(60)].sort());

		const version = (await h.scim("GET", `/Groups/${id}?attributes=displayName`)).headers.get("etag");
		expect(version).toBe('W/"12"');

		const replace = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", path: "members", value: users.slice(900).map((value) => ({ value })) }),
		);
		expect(replace.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([...users.slice(900)].sort());
	});

	it("excludedAttributes=members never reads group_members: a 5,000-member group answers with the table gone", async () => {
		const users = await seedUsers(h, "huge", 5000);
		const id = await newGroup("Five thousand");
		await addInBatches(id, users, 1000);
		const lookup = `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "five thousand"')}`;

		await h.db.db.execute(sql`alter table group_members rename to group_members_hidden`);
		try {
			const listed = await h.scim("GET", lookup);
			expect(listed.status).toBe(200);
			expect(listed.body).toMatchObject({
				totalResults: 1,
				Resources: [{ id, displayName: "Five thousand" }],
			});
			expect(((listed.body?.Resources ?? []) as object[]).map((group) => "members" in group)).toEqual([
				false,
			]);
			const one = await h.scim("GET", `/Groups/${id}?excludedAttributes=members`);
			expect(one.status).toBe(200);
			expect(one.body).not.toHaveProperty("members");
			expect((await h.scim("GET", `/Groups/${id}?attributes=displayName`)).status).toBe(200);
			expect((await h.scim("GET", `/Groups/${id}`)).status).toBe(500);
		} finally {
			await h.db.db.execute(sql`alter table group_members_hidden rename to group_members`);
		}

		const full = await h.scim("GET", `/Groups/${id}`);
		expect(full.body?.members).toHaveLength(5000);
	});
});
