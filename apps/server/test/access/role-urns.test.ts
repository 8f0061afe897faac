import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimClient, type ScimHarness } from "../scim/harness.ts";
import { addProject, PATCH_SCHEMA, patch, provisionUser, storedAccess, USER_SCHEMA } from "./fixtures.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
	await addProject(h, "apollo");
	await addProject(h, "hermes");
});
afterAll(async () => {
	await h.close();
});

describe("role URNs on the user grant tiers and project roles", () => {
	it("Okta's string array", async () => {
		const id = await provisionUser(h, "okta@example.com", {
			roles: ["urn:roster:role:project:apollo:write", "urn:roster:role:organization:default:projectadmin"],
		});
		const access = await storedAccess(h, id);
		expect(access.tier).toBe("PROJECTADMIN");
		expect(access.source).toBe("user-role:urn:roster:role:organization:default:projectadmin");
		expect(access.projectRoles).toEqual([
			{ project: "apollo", role: "write", source: "user-role:urn:roster:role:project:apollo:write" },
		]);
	});

	it("Entra's objects and JSON-in-string values, added by PATCH", async () => {
		const id = await provisionUser(h, "entra@example.com");
		expect((await storedAccess(h, id)).projectRoles).toEqual([]);
		await patch(h, `/Users/${id}`, {
			op: "Add",
			path: "roles",
			value: [
				{
					primary: false,
					type: "WindowsAzureActiveDirectoryRole",
					value: "urn:roster:role:project:hermes:read",
				},
				{
					value: JSON.stringify({
						id: "06b07648-ecfe-589f-9d2f-6325724a46ee",
						value: "urn:roster:role:project:apollo:admin",
						displayName: "Apollo admin",
					}),
				},
			],
		});
		const access = await storedAccess(h, id);
		expect(access.tier).toBe("USER");
		expect(access.projectRoles.map(({ project, role }) => ({ project, role }))).toEqual([
			{ project: "apollo", role: "admin" },
			{ project: "hermes", role: "read" },
		]);

		await patch(h, `/Users/${id}`, {
			op: "replace",
			path: "roles",
			value: [{ value: "urn:roster:role:project:hermes:write" }],
		});
		expect((await storedAccess(h, id)).projectRoles.map(({ project, role }) => ({ project, role }))).toEqual([
			{ project: "hermes", role: "write" },
		]);
	});

	it("malformed URNs never fail a SCIM write: ignored, and explained", async () => {
		const res = await h.scim("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "odd@example.com",
			roles: [
				"urn:roster:role:project::write",
				"urn:roster:role:galaxy:x:y",
				"urn:roster:role:project:apollo:read",
			],
		});
		expect(res.status).toBe(201);
		const id = res.body?.id as string;
		const access = await storedAccess(h, id);
		expect(access.projectRoles.map(({ project, role }) => ({ project, role }))).toEqual([
			{ project: "apollo", role: "read" },
		]);
		const ignored = access.explanation?.ignored ?? [];
		expect(ignored.map((entry) => entry.value).sort()).toEqual(
			["urn:roster:role:galaxy:x:y", "urn:roster:role:project::write"].sort(),
		);
		for (const entry of ignored) expect(entry.reason).toBe("malformed URN");
		await h.runtime.activity.flush();
		const [logged] = await rows<{ quirks: string[] }>(
			h.db.db,
			sql`select quirks from provisioning_log where method = 'POST' and request_body->>'userName' = 'odd@example.com'`,
		);
		expect(logged?.quirks.filter((q) => q.startsWith("unusable-role:")).sort()).toEqual([
			"unusable-role:urn:roster:role:galaxy:x:y (malformed URN)",
			"unusable-role:urn:roster:role:project::write (malformed URN)",
		]);

		const replaced = await h.scim("PATCH", `/Users/${id}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "add", path: "roles", value: [{ value: "urn:roster:entitlement:project:*" }] }],
		});
		expect(replaced.status).toBe(200);
	});
});

describe("entitlements to unknown projects", () => {
	let acme: ScimClient;
	let acmeId: string;
	beforeAll(async () => {
		acme = h.clientFor(await h.issueToken("acme", "primary"));
		const [org] = await rows<{ id: string }>(
			h.db.db,
			sql`update organizations set auto_create_projects = true, access_version = access_version + 1
				where slug = 'acme' returning id`,
		);
		acmeId = org?.id as string;
	});

	it("create the project when the organization allows it, and grant its least privileged role", async () => {
		const res = await acme("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "new-project@acme.example",
			entitlements: ["urn:roster:entitlement:project:skunkworks"],
		});
		expect(res.status).toBe(201);
		const id = res.body?.id as string;
		const access = await storedAccess(h, id);
		expect(access.projectRoles.map(({ project, role }) => ({ project, role }))).toEqual([
			{ project: "skunkworks", role: "read" },
		]);
		const [created] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from projects where org_id = ${acmeId}::uuid and slug = 'skunkworks'`,
		);
		expect(created?.n).toBe(1);

		const second = await acme("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "same-project@acme.example",
			entitlements: [{ value: "urn:roster:entitlement:project:skunkworks" }],
		});
		expect(second.status).toBe(201);
		expect((await storedAccess(h, second.body?.id as string)).projectRoles).toHaveLength(1);
	});

	it("do not create projects in an organization that does not allow it", async () => {
		const id = await provisionUser(h, "no-create@example.com", {
			entitlements: ["urn:roster:entitlement:project:phantom"],
		});
		const access = await storedAccess(h, id);
		expect(access.projectRoles).toEqual([]);
		expect(access.explanation?.ignored.map((entry) => entry.value)).toContain(
			"urn:roster:entitlement:project:phantom",
		);
		const [found] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from projects where slug = 'phantom'`,
		);
		expect(found?.n).toBe(0);
	});
});
