import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import {
	addProject,
	latestAudit,
	mapping,
	patch,
	provisionGroup,
	provisionUser,
	sessionCount,
	sessionStatus,
	signIn,
	storedAccess,
	USER_SCHEMA,
} from "./fixtures.ts";

let h: ScimHarness;
let staffGroup: string;
beforeAll(async () => {
	h = await createScimHarness();
	await addProject(h, "apollo");
	await mapping(h, {
		matchKind: "group_display_name",
		matchValue: "Staff",
		targetKind: "tier",
		tier: "ADMIN",
	});
	staffGroup = await provisionGroup(h, "Staff");
});
afterAll(async () => {
	await h.close();
});

/** A staff member holding ADMIN (through the group), a project role (through a URN) and two live sessions. */
async function signedInStaff(userName: string): Promise<{ id: string; tokens: string[] }> {
	const id = await provisionUser(h, userName, { roles: ["urn:roster:role:project:apollo:write"] });
	await patch(h, `/Groups/${staffGroup}`, { op: "add", path: "members", value: [{ value: id }] });
	const tokens = [await signIn(h, id), await signIn(h, id)];
	const access = await storedAccess(h, id);
	expect(access.tier).toBe("ADMIN");
	expect(access.projectRoles).toEqual([{ project: "apollo", role: "write", source: expect.any(String) }]);
	for (const token of tokens) expect(await sessionStatus(h, token)).toBe(200);
	return { id, tokens };
}

async function expectDeprovisioned(id: string, tokens: string[]): Promise<void> {
	expect(await sessionCount(h.db.db, id)).toBe(0);
	for (const token of tokens) expect(await sessionStatus(h, token)).toBe(401);
	const access = await storedAccess(h, id);
	expect(access.tier).toBe("NONE");
	expect(access.source).toBe("inactive");
	expect(access.projectRoles).toEqual([]);
}

describe("deactivation ends sessions and access in the write's transaction, in every IdP form", () => {
	it.each([
		["PATCH active false (boolean)", { op: "replace", path: "active", value: false }],
		['PATCH Replace active "False" (Entra string form)', { op: "Replace", path: "active", value: "False" }],
		["path-less PATCH {active:false} (Okta deactivation)", { op: "replace", value: { active: false } }],
	])("%s", async (_form, operation) => {
		const { id, tokens } = await signedInStaff(`patch-${Math.random().toString(36).slice(2)}@example.com`);
		await patch(h, `/Users/${id}`, operation);
		await expectDeprovisioned(id, tokens);
		const audit = await latestAudit(h, "SCIM_USER_DEPROVISIONED", id);
		expect(audit?.metadata).toMatchObject({ sessionsKilled: 2 });
		expect(audit?.changes).toMatchObject({ accessTier: { old: "ADMIN", new: "NONE" } });
	});

	it("PUT active:false (Okta profile push)", async () => {
		const userName = "put-off@example.com";
		const { id, tokens } = await signedInStaff(userName);
		const res = await h.scim("PUT", `/Users/${id}`, {
			schemas: [USER_SCHEMA],
			userName,
			active: false,
			roles: ["urn:roster:role:project:apollo:write"],
		});
		expect(res.status).toBe(200);
		await expectDeprovisioned(id, tokens);
		expect((await latestAudit(h, "SCIM_USER_DEPROVISIONED", id))?.metadata).toMatchObject({
			sessionsKilled: 2,
		});
	});

	it("DELETE (soft policy: a tombstone with tier NONE and no project roles)", async () => {
		const { id, tokens } = await signedInStaff("deleted@example.com");
		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
		await expectDeprovisioned(id, tokens);
		const audit = await latestAudit(h, "SCIM_USER_DELETED", id);
		expect(audit?.metadata).toMatchObject({ sessionsKilled: 2 });
		expect(audit?.changes).toMatchObject({ accessTier: { old: "ADMIN", new: "NONE" } });
	});

	it("a failed deactivation (If-Match mismatch) leaves sessions and access untouched", async () => {
		const { id, tokens } = await signedInStaff("stale-etag@example.com");
		const res = await h.scim(
			"PATCH",
			`/Users/${id}`,
			{
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [{ op: "replace", path: "active", value: false }],
			},
			{ "If-Match": 'W/"999"' },
		);
		expect(res.status).toBe(412);
		expect(await sessionCount(h.db.db, id)).toBe(2);
		expect((await storedAccess(h, id)).tier).toBe("ADMIN");
		for (const token of tokens) expect(await sessionStatus(h, token)).toBe(200);
	});
});

describe("reactivation", () => {
	it("restores access from the mappings as they are now, with the same id", async () => {
		const { id } = await signedInStaff("returning@example.com");
		await patch(h, `/Users/${id}`, { op: "replace", path: "active", value: false });
		await addProject(h, "zeus");
		await mapping(h, {
			matchKind: "group_display_name",
			matchValue: "Staff",
			targetKind: "project_role",
			projectSelector: "zeus",
			projectRole: "admin",
		});
		expect((await storedAccess(h, id)).tier).toBe("NONE");

		await patch(h, `/Users/${id}`, { op: "replace", path: "active", value: true });
		const access = await storedAccess(h, id);
		expect(access.tier).toBe("ADMIN");
		expect(access.projectRoles).toEqual([
			{ project: "apollo", role: "write", source: "user-role:urn:roster:role:project:apollo:write" },
			{ project: "zeus", role: "admin", source: expect.stringMatching(/^mapping:/) },
		]);
		expect((await h.scim("GET", `/Users/${id}`)).body).toMatchObject({ id, active: true });
		expect((await latestAudit(h, "SCIM_USER_REACTIVATED", id))?.changes).toMatchObject({
			accessTier: { old: "NONE", new: "ADMIN" },
		});
	});

	it("an IdP re-creating a deleted user (same externalId) gets the same id and access from current mappings", async () => {
		const created = await h.scim("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "again@example.com",
			externalId: "ext-again",
			roles: ["urn:roster:role:organization:default:projectadmin"],
		});
		const id = created.body?.id as string;
		expect((await storedAccess(h, id)).tier).toBe("PROJECTADMIN");
		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
		expect((await storedAccess(h, id)).tier).toBe("NONE");

		const again = await h.scim("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "again@example.com",
			externalId: "ext-again",
			roles: ["urn:roster:role:organization:default:user"],
		});
		expect(again.status).toBe(201);
		expect(again.body?.id).toBe(id);
		expect((await storedAccess(h, id)).tier).toBe("USER");
	});
});

describe("updates that cannot change access", () => {
	it("a displayName change keeps the stored decision untouched", async () => {
		const id = await provisionUser(h, "steady@example.com", {
			roles: ["urn:roster:role:organization:*:user"],
		});
		const before = await storedAccess(h, id);
		expect(before.tier).toBe("USER");
		await patch(h, `/Users/${id}`, { op: "replace", path: "displayName", value: "Steady Eddie" });
		expect((await storedAccess(h, id)).computedAt).toBe(before.computedAt);
	});
});
