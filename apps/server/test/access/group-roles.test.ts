import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { addProject, GROUP_SCHEMA, patch, provisionUser, storedAccess, tierOf } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
	await addProject(h, "staging");
});
afterAll(async () => {
	await h.close();
});

async function roleOn(userId: string, project: string): Promise<string | undefined> {
	return (await storedAccess(h, userId)).projectRoles.find((grant) => grant.project === project)?.role;
}

describe("roles and entitlements sent on a group are inherited by its members", () => {
	it("members get the group's roles; changing or dropping them recomputes every member in the same write", async () => {
		const ada = await provisionUser(h, "ada@teams.example");
		const alan = await provisionUser(h, "alan@teams.example");
		const created = await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "QA Team",
			members: [{ value: ada }, { value: alan }],
			roles: ["urn:roster:role:project:*:write", "urn:roster:role:organization:*:user"],
		});
		expect(created.status, created.text).toBe(201);
		expect(created.body?.roles).toEqual([
			{ value: "urn:roster:role:project:*:write" },
			{ value: "urn:roster:role:organization:*:user" },
		]);
		const groupId = String(created.body?.id);
		for (const user of [ada, alan]) {
			expect(await tierOf(h, user)).toBe("USER");
			expect(await roleOn(user, "staging")).toBe("write");
		}

		await patch(h, `/Groups/${groupId}`, {
			op: "replace",
			path: "roles",
			value: [{ value: "urn:roster:role:organization:*:projectadmin" }],
		});
		for (const user of [ada, alan]) {
			expect(await tierOf(h, user)).toBe("PROJECTADMIN");
			expect(await roleOn(user, "staging")).toBeUndefined();
		}

		await patch(h, `/Groups/${groupId}`, { op: "remove", path: "roles" });
		for (const user of [ada, alan]) expect(await tierOf(h, user)).toBe("NONE");
		const read = await h.scim("GET", `/Groups/${groupId}`);
		expect(read.body?.roles).toBeUndefined();
	});

	it("a member leaving the group loses what it inherited", async () => {
		const grace = await provisionUser(h, "grace@teams.example");
		const created = await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "Release Managers",
			members: [{ value: grace }],
			entitlements: [{ value: "urn:roster:entitlement:project:staging" }],
		});
		expect(await roleOn(grace, "staging")).toBe("read");
		await patch(h, `/Groups/${created.body?.id}`, { op: "remove", path: `members[value eq "${grace}"]` });
		expect(await roleOn(grace, "staging")).toBeUndefined();
	});
});
