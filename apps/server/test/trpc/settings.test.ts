import { rows } from "@roster/db";
import { settingsChange } from "@roster/domain/inputs/settings";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionUser, tierOf } from "../access/fixtures.ts";
import { type ConsoleHarness, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h.close();
});

interface SettingsEvent {
	actor_type: string;
	actor_id: string | null;
	changes: Record<string, { old: unknown; new: unknown }>;
	metadata: Record<string, unknown>;
}

async function settingsEvents(orgId: string): Promise<SettingsEvent[]> {
	return rows<SettingsEvent>(
		h.db.db,
		sql`select actor_type, actor_id, changes, metadata from audit_events
			where org_id = ${orgId}::uuid and action = 'ORGANIZATION_SETTINGS_UPDATED' order by id`,
	);
}

describe("settings.get", () => {
	it("answers the organization's settings and nothing else", async () => {
		await expect(h.admin.client.settings.get.query()).resolves.toEqual({
			scimEnabled: true,
			deletePolicy: "soft",
			roleSource: "both",
			fallbackTier: "NONE",
			autoCreateProjects: false,
			allowSharedOwnership: false,
			provisioningLogRetentionDays: 30,
			projectRoles: ["admin", "write", "read"],
		});
	});
});

describe("settings.update", () => {
	it("saves typed values in one audited change naming the administrator", async () => {
		const admin = await h.adminOf("settings-audit");
		const result = await admin.client.settings.update.mutate({
			provisioningLogRetentionDays: 7,
			allowSharedOwnership: true,
		});
		expect(result).toMatchObject({
			settings: { provisioningLogRetentionDays: 7, allowSharedOwnership: true },
			usersRecomputed: 0,
			usersChanged: 0,
		});
		await expect(admin.client.settings.get.query()).resolves.toMatchObject({
			provisioningLogRetentionDays: 7,
		});
		const [event] = await settingsEvents(admin.organization.id);
		expect(event).toMatchObject({
			actor_type: "admin",
			actor_id: admin.userId,
			changes: {
				provisioningLogRetentionDays: { old: 30, new: 7 },
				allowSharedOwnership: { old: false, new: true },
			},
		});
	});

	it("a setting that feeds role resolution recomputes everyone and says how many changed", async () => {
		const user = await provisionUser(h, "settings.fallback@example.com");
		expect(await tierOf(h, user)).toBe("NONE");
		const raised = await h.admin.client.settings.update.mutate({ fallbackTier: "USER" });
		expect(raised.usersRecomputed).toBeGreaterThanOrEqual(1);
		expect(raised.usersChanged).toBeGreaterThanOrEqual(1);
		expect(await tierOf(h, user)).toBe("USER");
		const lowered = await h.admin.client.settings.update.mutate({ fallbackTier: "NONE" });
		expect(lowered.usersChanged).toBe(raised.usersChanged);
		expect(await tierOf(h, user)).toBe("NONE");
	});

	it.each([
		[{ provisioningLogRetentionDays: -1 }, "provisioningLogRetentionDays"],
		[{ provisioningLogRetentionDays: 3651 }, "provisioningLogRetentionDays"],
		[{ deletePolicy: "shred" }, "deletePolicy"],
		[{ fallbackTier: "OWNER" }, "fallbackTier"],
		[{ projectRoles: ["admin", "admin"] }, "projectRoles"],
		[{ projectRoles: ["Admin"] }, "projectRoles"],
		[{ scimEnabled: "maybe" }, "scimEnabled"],
	])("refuses %j with a field error on %s and changes nothing", async (change, field) => {
		const before = await h.admin.client.settings.get.query();
		const events = (await settingsEvents(h.admin.organization.id)).length;
		const refused = await h.admin.client.settings.update.mutate(change as never).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(refused).toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { [field]: [expect.any(String)] } },
		});
		await expect(h.admin.client.settings.get.query()).resolves.toEqual(before);
		expect(await settingsEvents(h.admin.organization.id)).toHaveLength(events);
	});

	it("refuses an empty change", async () => {
		await expect(h.admin.client.settings.update.mutate({})).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
			message: "Nothing to change",
		});
	});

	it("the CLI's text flags and the console's typed values pass the same schema to the same result", () => {
		const fromCli = settingsChange.parse({
			scimEnabled: "off",
			provisioningLogRetentionDays: "14",
			projectRoles: "owner, member",
		});
		const fromConsole = settingsChange.parse({
			scimEnabled: false,
			provisioningLogRetentionDays: 14,
			projectRoles: ["owner", "member"],
		});
		expect(fromCli).toEqual(fromConsole);
	});

	it("an administrator changes only their own organization", async () => {
		const other = await h.adminOf("settings-other");
		const mine = await h.admin.client.settings.get.query();
		await other.client.settings.update.mutate({ deletePolicy: "hard", scimEnabled: false });
		await expect(h.admin.client.settings.get.query()).resolves.toEqual(mine);
		await expect(other.client.settings.get.query()).resolves.toMatchObject({
			deletePolicy: "hard",
			scimEnabled: false,
		});
		expect(await settingsEvents(h.admin.organization.id)).not.toContainEqual(
			expect.objectContaining({ actor_id: other.userId }),
		);
	});

	it("a signed-in user who is not an administrator can neither read nor change settings", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.settings.get.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
		await expect(member.client.settings.update.mutate({ deletePolicy: "hard" })).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
		await expect(h.admin.client.settings.get.query()).resolves.toMatchObject({ deletePolicy: "soft" });
	});
});
