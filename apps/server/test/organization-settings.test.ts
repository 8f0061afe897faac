import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureOrganization, type OrganizationSettingsChange } from "../src/organizations/settings.ts";
import { addProject, provisionUser, storedAccess, tierOf } from "./access/fixtures.ts";
import { createScimHarness, type ScimHarness } from "./scim/harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

function configure(change: OrganizationSettingsChange) {
	return configureOrganization(h.db.db, { organization: h.organization, change, actor: "test" });
}

async function accessVersion(): Promise<number> {
	const [row] = await rows<{ v: number }>(
		h.db.db,
		sql`select access_version as v from organizations where id = ${h.organization.id}::uuid`,
	);
	return Number(row?.v);
}

describe("organization settings", () => {
	it("a new fallback tier reaches every active user in the same transaction, and none of the inactive", async () => {
		const active = await provisionUser(h, "fallback.active@example.com");
		const inactive = await provisionUser(h, "fallback.gone@example.com", { active: false });
		expect(await tierOf(h, active)).toBe("NONE");
		const version = await accessVersion();
		const result = await configure({ fallbackTier: "USER" });
		expect(result.usersChanged).toBeGreaterThanOrEqual(1);
		expect(await tierOf(h, active)).toBe("USER");
		expect(await tierOf(h, inactive)).toBe("NONE");
		expect(await accessVersion()).toBe(version + 1);
		await configure({ fallbackTier: "NONE" });
		expect(await tierOf(h, active)).toBe("NONE");
	});

	it("the role source policy decides whether IdP role URNs count", async () => {
		await addProject(h, "settings-atlas");
		const user = await provisionUser(h, "urn.user@example.com", {
			roles: ["urn:roster:role:organization:*:admin"],
		});
		expect(await tierOf(h, user)).toBe("ADMIN");
		await configure({ roleSource: "console" });
		expect(await tierOf(h, user)).toBe("NONE");
		expect((await storedAccess(h, user)).explanation?.ignored.map((i) => i.reason)).toContain(
			"role source policy",
		);
		await configure({ roleSource: "both" });
		expect(await tierOf(h, user)).toBe("ADMIN");
	});

	it("turning SCIM off for the organization answers 404 on every SCIM route at once", async () => {
		await configure({ scimEnabled: "off" });
		expect((await h.scim("GET", "/Users")).status).toBe(404);
		expect((await h.scim("GET", "/ServiceProviderConfig")).status).toBe(404);
		await configure({ scimEnabled: true });
		expect((await h.scim("GET", "/Users")).status).toBe(200);
	});

	it("records the change with old and new values; settings outside role resolution leave access alone", async () => {
		const version = await accessVersion();
		const result = await configure({ deletePolicy: "hard", provisioningLogRetentionDays: "90" });
		expect(result).toMatchObject({ usersRecomputed: 0, usersChanged: 0 });
		expect(result.organization).toMatchObject({ deletePolicy: "hard", provisioningLogRetentionDays: 90 });
		expect(await accessVersion()).toBe(version);
		const [event] = await rows<{ changes: unknown }>(
			h.db.db,
			sql`select changes from audit_events where action = 'ORGANIZATION_SETTINGS_UPDATED' order by id desc limit 1`,
		);
		expect(event?.changes).toEqual({
			deletePolicy: { old: "soft", new: "hard" },
			provisioningLogRetentionDays: { old: 30, new: 90 },
		});
		await configure({ deletePolicy: "soft" });
	});

	it("project roles are extensible per organization, most privileged first, and recompute access", async () => {
		await addProject(h, "custom-roles");
		const user = await provisionUser(h, "custom.roles@example.com", {
			roles: ["urn:roster:role:project:custom-roles:triage"],
		});
		expect((await storedAccess(h, user)).projectRoles).toEqual([]);
		await configure({ projectRoles: "admin, write, triage, read" });
		expect((await storedAccess(h, user)).projectRoles.map((grant) => grant.role)).toEqual(["triage"]);
		await configure({ projectRoles: ["admin", "write", "read"] });
		expect((await storedAccess(h, user)).projectRoles).toEqual([]);
	});

	it.each([
		[{ projectRoles: "" }, /projectRoles/],
		[{ projectRoles: "admin,admin" }, /distinct/],
		[{ fallbackTier: "GOD" }, /fallbackTier/],
		[{ deletePolicy: "shred" }, /deletePolicy/],
		[{ scimEnabled: "maybe" }, /scimEnabled/],
		[{ provisioningLogRetentionDays: "-1" }, /provisioningLogRetentionDays/],
		[{}, /Nothing to change/],
	])("refuses %j and changes nothing", async (change, message) => {
		const version = await accessVersion();
		await expect(configure(change)).rejects.toThrow(message);
		expect(await accessVersion()).toBe(version);
	});
});
