import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureOrganization } from "../../src/organizations/settings.ts";
import { createAdmin } from "../../src/users/admins.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { mapping, patch, provisionGroup, provisionUser, tierOf } from "./fixtures.ts";

let h: ScimHarness;
let adminId: string;
let scimUserId: string;

interface StoredTier {
	access_tier: string;
	access_tier_source: string | null;
	access_explanation: unknown;
	access_computed_at: string | null;
	version: number;
	project_roles: number;
}

async function adminTier(): Promise<StoredTier> {
	const [row] = await rows<StoredTier>(
		h.db.db,
		sql`select access_tier::text as access_tier, access_tier_source, access_explanation,
				access_computed_at::text as access_computed_at, version,
				(select count(*)::int from user_project_roles where user_id = users.id) as project_roles
			from users where id = ${adminId}::uuid`,
	);
	if (!row) throw new Error("the local administrator is gone");
	return row;
}

const GRANTED: StoredTier = {
	access_tier: "ADMIN",
	access_tier_source: "console",
	access_explanation: null,
	access_computed_at: null,
	version: 1,
	project_roles: 0,
};

beforeAll(async () => {
	h = await createScimHarness();
	adminId = (
		await createAdmin(h.db.db, {
			organization: h.organization,
			email: "root@example.com",
			password: "a long enough password",
		})
	).id;
	scimUserId = await provisionUser(h, "ada@example.com", {
		roles: [{ value: "urn:roster:role:organization:*:USER" }],
	});
});
afterAll(async () => {
	await h.close();
});

describe("recompute never changes a local administrator's console-granted tier", () => {
	it("an organization-wide recompute (fallback tier, role source) skips it and does not count it", async () => {
		const raised = await configureOrganization(h.db.db, {
			organization: h.organization,
			change: { fallbackTier: "PROJECTADMIN" },
			actor: "test",
		});
		expect(raised).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		expect(await tierOf(h, scimUserId)).toBe("PROJECTADMIN");
		expect(await adminTier()).toEqual(GRANTED);

		const consoleOnly = await configureOrganization(h.db.db, {
			organization: raised.organization,
			change: { roleSource: "console", fallbackTier: "NONE" },
			actor: "test",
		});
		expect(consoleOnly).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		expect(await tierOf(h, scimUserId)).toBe("NONE");
		expect(await adminTier()).toEqual(GRANTED);
		await configureOrganization(h.db.db, {
			organization: consoleOnly.organization,
			change: { roleSource: "both" },
			actor: "test",
		});
	});

	it("a role-pattern mapping that matches everyone recomputes the organization but not it", async () => {
		const created = await mapping(h, {
			matchKind: "role_urn",
			matchValue: "*",
			targetKind: "tier",
			tier: "USER",
		});
		expect(created).toMatchObject({ usersRecomputed: 1 });
		expect(await adminTier()).toEqual(GRANTED);
	});

	it("group-scoped and user-scoped recomputes skip it even with a membership row made before this rule", async () => {
		const groupId = await provisionGroup(h, "Operators", [scimUserId]);
		await h.db.db.execute(
			sql`insert into group_members (group_id, user_id) values (${groupId}::uuid, ${adminId}::uuid)`,
		);
		const byGroup = await mapping(h, {
			matchKind: "group_display_name",
			matchValue: "Operators",
			targetKind: "tier",
			tier: "PROJECTADMIN",
		});
		expect(byGroup).toMatchObject({ usersRecomputed: 1, usersChanged: 1 });
		expect(await tierOf(h, scimUserId)).toBe("PROJECTADMIN");
		expect(await adminTier()).toEqual(GRANTED);

		await patch(h, `/Groups/${groupId}`, { op: "replace", path: "displayName", value: "Operators" });
		await patch(h, `/Groups/${groupId}`, { op: "remove", path: `members[value eq "${adminId}"]` });
		await patch(h, `/Groups/${groupId}`, { op: "replace", path: "displayName", value: "Ops" });
		expect(await tierOf(h, scimUserId)).toBe("USER");
		expect(await adminTier()).toEqual(GRANTED);
	});
});
