import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import {
	addProject,
	latestAudit,
	mapping,
	patch,
	provisionGroup,
	provisionUser,
	storedAccess,
	tierOf,
} from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

describe("a user's tier follows group membership", () => {
	it("membership PATCHes move a user to ADMIN through a group_display_name mapping and back to the fallback", async () => {
		const { mapping: rule } = await mapping(h, {
			matchKind: "group_display_name",
			matchValue: "Roster Admins",
			targetKind: "tier",
			tier: "ADMIN",
		});
		const user = await provisionUser(h, "ada@example.com");
		const bystander = await provisionUser(h, "bob@example.com");
		const group = await provisionGroup(h, "roster admins");
		expect(await tierOf(h, user)).toBe("NONE");

		await patch(h, `/Groups/${group}`, { op: "add", path: "members", value: [{ value: user }] });
		const granted = await storedAccess(h, user);
		expect(granted.tier).toBe("ADMIN");
		expect(granted.source).toBe(`mapping:${rule.id}`);
		expect(granted.explanation?.granted.map((grant) => grant.source)).toContain(`mapping:${rule.id}`);
		expect(await tierOf(h, bystander)).toBe("NONE");
		const synced = await latestAudit(h, "SCIM_GROUP_SYNCED", group);
		expect(synced?.metadata).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		// The promotion is on the user's own trail too, naming the group that caused it.
		const promoted = await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", user);
		expect(promoted?.changes).toEqual({ accessTier: { old: "NONE", new: "ADMIN" } });
		expect(promoted?.metadata).toMatchObject({
			cause: { group: { id: group, displayName: "roster admins" } },
		});
		expect(await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", bystander)).toBeUndefined();

		await patch(h, `/Groups/${group}`, {
			op: "Remove",
			path: "members",
			value: [{ value: user }],
		});
		const removed = await storedAccess(h, user);
		expect(removed.tier).toBe("NONE");
		expect(removed.source).toBe("fallback");
		const demoted = await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", user);
		expect(demoted?.changes).toEqual({ accessTier: { old: "ADMIN", new: "NONE" } });
	});

	it("a group that grants a project role puts the member's roles before and after on their own trail, tier or not", async () => {
		const atlas = await addProject(h, "atlas");
		const apollo = await addProject(h, "apollo");
		await mapping(h, {
			matchKind: "group_display_name",
			matchValue: "Atlas Team",
			targetKind: "project_role",
			projectSelector: "atlas",
			projectRole: "admin",
		});
		const user = await provisionUser(h, "atlas-admin@example.com", {
			roles: ["urn:roster:role:organization:default:admin", "urn:roster:role:project:apollo:write"],
		});
		expect(await tierOf(h, user)).toBe("ADMIN");
		const group = await provisionGroup(h, "Atlas Team");
		const apolloWrite = { projectId: apollo, projectSlug: "apollo", role: "write" };
		const atlasAdmin = { projectId: atlas, projectSlug: "atlas", role: "admin" };

		await patch(h, `/Groups/${group}`, { op: "add", path: "members", value: [{ value: user }] });
		const granted = await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", user);
		// The tier stayed ADMIN: only the roles moved, and the event says so with both full lists.
		expect(granted?.changes).toEqual({
			projectRoles: { old: [apolloWrite], new: [apolloWrite, atlasAdmin] },
		});

		await patch(h, `/Groups/${group}`, { op: "remove", path: "members", value: [{ value: user }] });
		const revoked = await latestAudit(h, "SCIM_USER_ACCESS_CHANGED", user);
		expect(revoked?.changes).toEqual({
			projectRoles: { old: [apolloWrite, atlasAdmin], new: [apolloWrite] },
		});

		// Deprovisioning takes every role: the user's own event lists what they lost.
		await patch(h, `/Users/${user}`, { op: "replace", path: "active", value: false });
		expect((await latestAudit(h, "SCIM_USER_DEPROVISIONED", user))?.changes).toMatchObject({
			accessTier: { old: "ADMIN", new: "NONE" },
			projectRoles: { old: [apolloWrite], new: [] },
		});
		await patch(h, `/Users/${user}`, { op: "replace", path: "active", value: true });
		expect((await latestAudit(h, "SCIM_USER_REACTIVATED", user))?.changes).toMatchObject({
			projectRoles: { old: [], new: [apolloWrite] },
		});
		// A write that changes no role names none.
		await patch(h, `/Users/${user}`, {
			op: "replace",
			path: "roles",
			value: [
				"urn:roster:role:organization:default:admin",
				"urn:roster:role:project:apollo:write",
				"urn:roster:role:organization:default:user",
			],
		});
		expect((await latestAudit(h, "SCIM_USER_UPDATED", user))?.changes).not.toHaveProperty("projectRoles");
		expect((await h.scim("DELETE", `/Users/${user}`)).status).toBe(204);
		expect((await latestAudit(h, "SCIM_USER_DELETED", user))?.changes).toMatchObject({
			projectRoles: { old: [apolloWrite], new: [] },
		});
	});

	it("PUT with a new member set recomputes exactly the users added and removed", async () => {
		await mapping(h, {
			matchKind: "group_external_id",
			matchValue: "ext-pa",
			targetKind: "tier",
			tier: "PROJECTADMIN",
		});
		const [a, b, c] = [
			await provisionUser(h, "put-a@example.com"),
			await provisionUser(h, "put-b@example.com"),
			await provisionUser(h, "put-c@example.com"),
		];
		const create = await h.scim("POST", "/Groups", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: "Project Admins",
			externalId: "ext-pa",
			members: [{ value: a }, { value: b }],
		});
		expect(create.status).toBe(201);
		const group = create.body?.id as string;
		expect([await tierOf(h, a), await tierOf(h, b), await tierOf(h, c)]).toEqual([
			"PROJECTADMIN",
			"PROJECTADMIN",
			"NONE",
		]);

		const put = await h.scim("PUT", `/Groups/${group}`, {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
			displayName: "Project Admins",
			externalId: "ext-pa",
			members: [{ value: b }, { value: c }],
		});
		expect(put.status).toBe(200);
		expect([await tierOf(h, a), await tierOf(h, b), await tierOf(h, c)]).toEqual([
			"NONE",
			"PROJECTADMIN",
			"PROJECTADMIN",
		]);
		const synced = await latestAudit(h, "SCIM_GROUP_SYNCED", group);
		expect(synced?.metadata).toMatchObject({ usersRecomputed: 2, usersChanged: 2 });
	});

	it("renaming a mapped group moves all its members; deleting it drops its former members to the fallback", async () => {
		await mapping(h, {
			matchKind: "group_display_name",
			matchValue: "Writers",
			targetKind: "tier",
			tier: "USER",
		});
		const members = [await provisionUser(h, "w1@example.com"), await provisionUser(h, "w2@example.com")];
		const group = await provisionGroup(h, "Editors", members);
		expect(await tierOf(h, members[0] as string)).toBe("NONE");

		await patch(h, `/Groups/${group}`, { op: "replace", path: "displayName", value: "Writers" });
		for (const id of members) expect(await tierOf(h, id)).toBe("USER");

		const deleted = await h.scim("DELETE", `/Groups/${group}`);
		expect(deleted.status).toBe(204);
		for (const id of members) expect(await tierOf(h, id)).toBe("NONE");
		const audit = await latestAudit(h, "SCIM_GROUP_DELETED", group);
		expect(audit?.metadata).toMatchObject({ usersRecomputed: 2, usersChanged: 2 });
	});

	it("member churn on a group no mapping names recomputes nobody", async () => {
		const user = await provisionUser(h, "churn@example.com");
		const group = await provisionGroup(h, "Unmapped Crowd");
		await patch(h, `/Groups/${group}`, { op: "add", path: "members", value: [{ value: user }] });
		const before = await storedAccess(h, user);
		const synced = await latestAudit(h, "SCIM_GROUP_SYNCED", group);
		expect(synced?.metadata).not.toHaveProperty("usersRecomputed");
		expect(before.tier).toBe("NONE");
	});
});
