import type { MappingChange, MappingChangeInput } from "@roster/domain/inputs/mappings";
import { mappingChangeInput } from "@roster/domain/inputs/mappings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessImpact } from "../../src/access/impact.ts";
import { previewMappingChange } from "../../src/access/mappings.ts";
import { RECOMPUTE_CHUNK } from "../../src/access/recompute.ts";
import { type ConsoleHarness, createConsoleHarness } from "./harness.ts";
import {
	accessOfEveryone,
	addProjects,
	type StoredUserAccess,
	save,
	seedPeople,
	streamClientFor,
	tablesDigest,
	tierMapping,
} from "./mappings.helpers.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
	await addProjects(h, h.organization, ["atlas", "zeus"]);
	await seedPeople(h, h.organization, "p", 300, { Eng: 2, Ops: 3, Leads: 5, Sec: 7, Big: 1 });
});
afterAll(async () => {
	await h.close();
});

const admin = () => streamClientFor(h, h.admin.token);

/** What moved between two snapshots, per user, in the preview's terms. */
function diff(before: Map<string, StoredUserAccess>, after: Map<string, StoredUserAccess>) {
	const moved = new Map<string, { tier: { before: string; after: string } | null; roles: string[] }>();
	for (const [id, was] of before) {
		const now = after.get(id) as StoredUserAccess;
		const projects = [...new Set([...Object.keys(was.roles), ...Object.keys(now.roles)])].sort();
		const roles = projects
			.filter((p) => was.roles[p] !== now.roles[p])
			.map((p) => `${p}:${was.roles[p] ?? null}->${now.roles[p] ?? null}`);
		const tier = was.tier === now.tier ? null : { before: was.tier, after: now.tier };
		if (tier || roles.length > 0) moved.set(id, { tier, roles });
	}
	return moved;
}

function previewed(impact: AccessImpact) {
	return new Map(
		impact.users.map((user) => [
			user.id,
			{ tier: user.tier, roles: user.projectRoles.map((r) => `${r.project}:${r.before}->${r.after}`) },
		]),
	);
}

function counts(moved: ReturnType<typeof diff>) {
	const all = [...moved.values()];
	const roles = all.flatMap((user) => user.roles);
	const order = ["NONE", "USER", "PROJECTADMIN", "ADMIN"];
	return {
		usersAffected: moved.size,
		tierRaised: all.filter((u) => u.tier && order.indexOf(u.tier.after) > order.indexOf(u.tier.before))
			.length,
		tierLowered: all.filter((u) => u.tier && order.indexOf(u.tier.after) < order.indexOf(u.tier.before))
			.length,
		rolesGained: roles.filter((r) => r.includes(":null->")).length,
		rolesLost: roles.filter((r) => r.endsWith("->null")).length,
		rolesChanged: roles.filter((r) => !r.includes(":null->") && !r.endsWith("->null")).length,
	};
}

/** Previews a change with every affected user listed, saves it, and proves both saw the same moves. */
async function expectPreviewMatchesSave(change: MappingChangeInput) {
	const parsed: MappingChange = mappingChangeInput.parse(change);
	const full = await previewMappingChange(
		h.db.db,
		{ organization: h.organization, change: parsed },
		{ sample: 1_000 },
	);
	const viaRouter = await h.admin.client.mappings.preview.mutate(change);
	const before = await accessOfEveryone(h, h.organization);
	const { saved } = await save(admin(), change);
	const moved = diff(before, await accessOfEveryone(h, h.organization));

	expect(previewed(full)).toEqual(moved);
	expect(full).toMatchObject(counts(moved));
	const { users: sample, ...totals } = viaRouter;
	expect(full).toMatchObject(totals);
	expect(sample).toEqual(full.users.slice(0, 20));
	const { users: _savedUsers, ...savedTotals } = saved.impact;
	expect(savedTotals).toEqual(totals);
	return { impact: full, saved };
}

describe("impact preview", () => {
	it("lists exactly who gains or loses what, and writes nothing", async () => {
		const before = await tablesDigest(h);
		const impact = await h.admin.client.mappings.preview.mutate(tierMapping("p-Leads", "ADMIN", 10));
		expect(impact).toMatchObject({ usersExamined: 60, usersAffected: 60, tierRaised: 60, tierLowered: 0 });
		expect(impact.users).toHaveLength(20);
		expect(impact.users[0]).toEqual({
			id: expect.any(String),
			userName: expect.stringMatching(/^p-\d+@seed\.example$/),
			displayName: expect.stringMatching(/^p \d+$/),
			tier: { before: "NONE", after: "ADMIN" },
			projectRoles: [],
		});
		const roles = await h.admin.client.mappings.preview.mutate({
			action: "create",
			matchKind: "group_external_id",
			matchValue: "ext-p-Sec",
			targetKind: "project_role",
			projectSelector: "*",
			projectRole: "write",
		});
		expect(roles).toMatchObject({ usersAffected: 42, rolesGained: 84, tierRaised: 42 });
		expect(roles.users[0]?.projectRoles).toEqual([
			{ project: "atlas", before: null, after: "write" },
			{ project: "zeus", before: null, after: "write" },
		]);
		expect(await tablesDigest(h)).toEqual(before);
		expect((await h.admin.client.mappings.list.query()).total).toBe(0);
	});

	it("agrees with what the save then does, across overlapping groups and priorities", async () => {
		const steps: MappingChangeInput[] = [
			tierMapping("p-Eng", "USER", 50),
			tierMapping("p-Leads", "PROJECTADMIN", 20),
			{
				action: "create",
				matchKind: "group_display_name",
				matchValue: "p-Ops",
				targetKind: "project_role",
				projectSelector: "atlas",
				projectRole: "write",
				priority: 30,
			},
			{
				action: "create",
				matchKind: "role_urn",
				matchValue: "contoso.eng*",
				targetKind: "project_role",
				projectSelector: "*",
				projectRole: "read",
				priority: 40,
			},
			{
				action: "create",
				matchKind: "group_external_id",
				matchValue: "ext-p-Leads",
				targetKind: "project_role",
				projectSelector: "atlas",
				projectRole: "admin",
				priority: 10,
			},
		];
		const ids: string[] = [];
		for (const step of steps) ids.push((await expectPreviewMatchesSave(step)).saved.mapping.id);
		const [eng, leads, ops, urn, leadsAtlas] = ids as [string, string, string, string, string];

		const moved = await expectPreviewMatchesSave({
			action: "update",
			id: ops,
			matchKind: "group_display_name",
			matchValue: "p-Sec",
			targetKind: "project_role",
			projectSelector: "*",
			projectRole: "admin",
			priority: 5,
		});
		expect(moved.impact.rolesLost + moved.impact.rolesGained + moved.impact.rolesChanged).toBeGreaterThan(0);
		expect(
			(await expectPreviewMatchesSave({ action: "delete", id: leads })).impact.tierLowered,
		).toBeGreaterThan(0);
		await expectPreviewMatchesSave({ ...tierMapping("p-Eng", "ADMIN", 60), action: "update", id: eng });
		await expectPreviewMatchesSave({ action: "delete", id: urn });
		await expectPreviewMatchesSave({ action: "delete", id: leadsAtlas });
	});

	it("a change over more than one chunk streams its progress, then its result", async () => {
		await seedPeople(h, h.organization, "crowd", RECOMPUTE_CHUNK + 500, { All: 1 });
		const { progress, saved } = await save(admin(), tierMapping("crowd-All", "USER"));
		expect(progress.map((p) => p.usersExamined)).toEqual([0, RECOMPUTE_CHUNK, RECOMPUTE_CHUNK + 500]);
		expect(saved).toMatchObject({
			usersRecomputed: RECOMPUTE_CHUNK + 500,
			usersChanged: RECOMPUTE_CHUNK + 500,
		});
		expect(saved.impact).toMatchObject({ tierRaised: RECOMPUTE_CHUNK + 500 });
	});
});
