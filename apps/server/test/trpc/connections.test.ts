import { provisioningLog, rows, scimTokens } from "@roster/db";
import { idpPresets } from "@roster/domain/inputs/connections";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let other: ConsoleUser;
beforeAll(async () => {
	h = await createConsoleHarness();
	other = await h.adminOf("other-org");
});
afterAll(async () => {
	await h.close();
});

const HOUR = 3_600_000;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

interface AuditRow {
	action: string;
	actor_type: string;
	actor_id: string | null;
	entity_id: string;
	changes: string | null;
	metadata: string | null;
}

async function auditOf(entityId: string): Promise<AuditRow[]> {
	return rows<AuditRow>(
		h.db.db,
		sql`select action, actor_type, actor_id::text as actor_id, entity_id, changes::text as changes, metadata::text as metadata
			from audit_events where entity_id = ${entityId} order by id`,
	);
}

describe(`connections router: connections, presets, health (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("creates a connection with its preset's compatibility profile, PATCH answer and rate limit, audited", async () => {
		const created = await h.admin.client.connections.create.mutate({ name: "Entra prod", idpKind: "entra" });
		expect(created).toMatchObject({ name: "Entra prod", idpKind: "entra" });
		const detail = await h.admin.client.connections.get.query({ connectionId: created.id });
		expect(detail).toMatchObject({
			name: "Entra prod",
			idpKind: "entra",
			settings: {
				compatibility: idpPresets.entra.settings.compatibility,
				userPatchResponse: "200",
				requestsPerSecond: idpPresets.entra.settings.requestsPerSecond,
			},
			tokens: { live: 0, expiringSoon: 0, total: 0 },
			health: { status: "no_token", lastRequestAt: null, requests24h: 0, errorRate: null, silent: false },
			organization: { slug: "default", scimEnabled: true },
		});
		const [event] = await auditOf(created.id);
		expect(event).toMatchObject({
			action: "SCIM_CONNECTION_CREATED",
			actor_type: "admin",
			actor_id: h.admin.userId,
		});
		expect(JSON.parse(event?.metadata ?? "{}")).toMatchObject({ idpKind: "entra", compatibility: "entra" });
	});

	it("gives every IdP kind a preset with setup steps, attribute mappings and valid settings", () => {
		for (const preset of Object.values(idpPresets)) {
			expect(preset.steps.length).toBeGreaterThan(2);
			expect(preset.attributeMappings.some((mapping) => mapping.scim.startsWith("userName"))).toBe(true);
			expect(preset.settings.requestsPerSecond).toBeGreaterThanOrEqual(25);
		}
		expect(idpPresets.okta.settings.compatibility).toBe("okta");
		expect(idpPresets.okta.testRequest).toBe("GET /Users?startIndex=1&count=2");
	});

	it("refuses a duplicate name as a conflict and a blank one with a field error", async () => {
		await h.admin.client.connections.create.mutate({ name: "Okta", idpKind: "okta" });
		await expect(
			h.admin.client.connections.create.mutate({ name: "Okta", idpKind: "generic" }),
		).rejects.toMatchObject({
			data: { code: "CONFLICT" },
			message: 'A connection named "Okta" already exists',
		});
		await expect(
			h.admin.client.connections.create.mutate({ name: "  ", idpKind: "okta" }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { name: ["Give the connection a name"] } },
		});
		await expect(
			h.admin.client.connections.create.mutate({ name: "x", idpKind: "adfs" as "okta" }),
		).rejects.toMatchObject({ data: { code: "BAD_REQUEST", fieldErrors: { idpKind: expect.any(Array) } } });
	});

	it("lists the organization's connections by name with the SCIM switch, and nothing of another organization's", async () => {
		const listed = await h.admin.client.connections.list.query();
		expect(listed.organization).toEqual({ slug: "default", name: expect.any(String), scimEnabled: true });
		const names = listed.connections.map((connection) => connection.name);
		expect(names).toEqual([...names].sort());
		expect(names).toEqual(expect.arrayContaining(["Entra prod", "Okta", "primary"]));
		const theirs = await other.client.connections.list.query();
		expect(theirs.connections).toEqual([]);
		expect(theirs.organization.slug).toBe("other-org");
	});

	it("changes compatibility settings through configureConnection, audited, with inline errors for bad values", async () => {
		const created = await h.admin.client.connections.create.mutate({ name: "Ping", idpKind: "ping" });
		const updated = await h.admin.client.connections.configure.mutate({
			connectionId: created.id,
			userPatchResponse: "204",
			requestsPerSecond: 50,
		});
		expect(updated.settings).toEqual({
			compatibility: "auto",
			userPatchResponse: "204",
			rateLimit: { requestsPerSecond: 50 },
		});
		await expect(
			h.admin.client.connections.configure.mutate({ connectionId: created.id, requestsPerSecond: 5 }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { requestsPerSecond: ["At least 25"] } },
		});
		await expect(
			h.admin.client.connections.configure.mutate({ connectionId: created.id }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
			message: "Nothing to change",
		});
		const events = await auditOf(created.id);
		expect(events.map((event) => event.action)).toEqual([
			"SCIM_CONNECTION_CREATED",
			"SCIM_CONNECTION_UPDATED",
		]);
		expect(JSON.parse(events[1]?.changes ?? "{}")).toEqual({
			userPatchResponse: { old: "200", new: "204" },
			rateLimit: { old: 200, new: 50 },
		});
		expect(events[1]).toMatchObject({ actor_type: "admin", actor_id: h.admin.userId });
	});

	it("renames a connection (its tokens keep working) and refuses a taken name", async () => {
		const token = await h.issueToken("default", "to-rename");
		const { connections } = await h.admin.client.connections.list.query();
		const connection = connections.find((c) => c.name === "to-rename");
		if (!connection) throw new Error("connection missing");
		await expect(
			h.admin.client.connections.rename.mutate({ connectionId: connection.id, name: "Okta" }),
		).rejects.toMatchObject({ data: { code: "CONFLICT" } });
		const renamed = await h.admin.client.connections.rename.mutate({
			connectionId: connection.id,
			name: "renamed",
		});
		expect(renamed.name).toBe("renamed");
		expect((await h.clientFor(token)("GET", "/Users?count=1")).status).toBe(200);
		const event = (await auditOf(connection.id)).at(-1);
		expect(event?.action).toBe("SCIM_CONNECTION_UPDATED");
		expect(JSON.parse(event?.changes ?? "{}")).toEqual({ name: { old: "to-rename", new: "renamed" } });
	});

	it("deletes a connection only when its name is typed, and its tokens stop at once", async () => {
		const token = await h.issueToken("default", "doomed");
		const { connections } = await h.admin.client.connections.list.query();
		const connection = connections.find((c) => c.name === "doomed");
		if (!connection) throw new Error("connection missing");
		await expect(
			h.admin.client.connections.delete.mutate({ connectionId: connection.id, confirmName: "nope" }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
			message: 'Type the connection\'s name, "doomed", to delete it',
		});
		expect((await h.clientFor(token)("GET", "/Users?count=1")).status).toBe(200);
		await expect(
			h.admin.client.connections.delete.mutate({ connectionId: connection.id, confirmName: "doomed" }),
		).resolves.toEqual({ tokensDeleted: 1 });
		expect((await h.clientFor(token)("GET", "/Users?count=1")).status).toBe(401);
		await expect(h.admin.client.connections.get.query({ connectionId: connection.id })).rejects.toMatchObject(
			{
				data: { code: "NOT_FOUND" },
			},
		);
		expect((await auditOf(connection.id)).at(-1)).toMatchObject({ action: "SCIM_CONNECTION_DELETED" });
	});

	it("answers another organization's connection exactly like an unknown one and never changes it", async () => {
		const mine = await h.admin.client.connections.create.mutate({ name: "Isolated", idpKind: "okta" });
		const unknown = await other.client.connections.get
			.query({ connectionId: UNKNOWN_ID })
			.catch((error: unknown) => error);
		const foreign = await other.client.connections.get
			.query({ connectionId: mine.id })
			.catch((error: unknown) => error);
		expect(foreign).toMatchObject({ data: { code: "NOT_FOUND" }, message: "Unknown connection" });
		expect((foreign as Error).message).toBe((unknown as Error).message);
		const attempts = await Promise.allSettled([
			other.client.connections.configure.mutate({ connectionId: mine.id, compatibility: "strict" }),
			other.client.connections.rename.mutate({ connectionId: mine.id, name: "hijacked" }),
			other.client.connections.delete.mutate({ connectionId: mine.id, confirmName: "Isolated" }),
			other.client.connections.mintToken.mutate({ connectionId: mine.id }),
			other.client.connections.tokens.query({ connectionId: mine.id }),
			other.client.connections.test.mutate({ connectionId: mine.id, token: h.token }),
		]);
		for (const attempt of attempts) {
			expect(attempt).toMatchObject({ status: "rejected", reason: { data: { code: "NOT_FOUND" } } });
		}
		const after = await h.admin.client.connections.get.query({ connectionId: mine.id });
		expect(after).toMatchObject({
			name: "Isolated",
			settings: { compatibility: "okta" },
			tokens: { total: 0 },
		});
		expect((await auditOf(mine.id)).map((event) => event.action)).toEqual(["SCIM_CONNECTION_CREATED"]);
	});

	it("refuses non-administrators and anonymous callers", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.connections.list.query()).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
		await expect(
			h.trpcFor().connections.create.mutate({ name: "anon", idpKind: "okta" }),
		).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
		const names = (await h.admin.client.connections.list.query()).connections.map((c) => c.name);
		expect(names).not.toContain("anon");
	});

	it("computes health from the provisioning log: last request, 24-hour counts, error rate, silence", async () => {
		const now = Date.now();
		const busy = await h.admin.client.connections.create.mutate({ name: "Busy", idpKind: "okta" });
		const quiet = await h.admin.client.connections.create.mutate({ name: "Quiet", idpKind: "entra" });
		const waiting = await h.admin.client.connections.create.mutate({ name: "Waiting", idpKind: "generic" });
		for (const id of [busy.id, quiet.id, waiting.id])
			await h.admin.client.connections.mintToken.mutate({ connectionId: id });
		const row = (connectionId: string, hoursAgo: number, status: number) => ({
			orgId: h.organization.id,
			connectionId,
			occurredAt: new Date(now - hoursAgo * HOUR),
			method: "GET",
			path: "/Users",
			status,
			durationMs: 3,
		});
		await h.db.db
			.insert(provisioningLog)
			.values([
				row(busy.id, 0.5, 200),
				row(busy.id, 1, 200),
				row(busy.id, 2, 409),
				row(busy.id, 3, 200),
				row(busy.id, 30, 500),
				row(quiet.id, 50, 200),
			]);
		// The quiet connection's token predates its last request: silence counts from the request.
		await h.db.db
			.update(scimTokens)
			.set({ createdAt: new Date(now - 60 * HOUR) })
			.where(eq(scimTokens.connectionId, quiet.id));
		const { connections } = await h.admin.client.connections.list.query();
		const health = (id: string) => connections.find((c) => c.id === id)?.health;
		expect(health(busy.id)).toEqual({
			lastRequestAt: new Date(now - 0.5 * HOUR).toISOString(),
			requests24h: 4,
			errors24h: 1,
			errorRate: 0.25,
			silent: false,
			status: "failing",
		});
		expect(health(quiet.id)).toMatchObject({
			requests24h: 0,
			errorRate: null,
			silent: true,
			status: "silent",
		});
		expect(health(waiting.id)).toMatchObject({ lastRequestAt: null, silent: false, status: "waiting" });
		await h.db.db
			.update(scimTokens)
			.set({ createdAt: new Date(now - 25 * HOUR) })
			.where(eq(scimTokens.connectionId, waiting.id));
		const later = await h.admin.client.connections.get.query({ connectionId: waiting.id });
		expect(later.health).toMatchObject({ lastRequestAt: null, silent: true, status: "silent" });
	});

	it("switches SCIM off and on for the organization: off, its tokens get 404; audited", async () => {
		await expect(h.admin.client.connections.setScimEnabled.mutate({ enabled: false })).resolves.toEqual({
			scimEnabled: false,
		});
		expect((await h.scim("GET", "/Users?count=1")).status).toBe(404);
		expect((await h.admin.client.connections.list.query()).organization.scimEnabled).toBe(false);
		await h.admin.client.connections.setScimEnabled.mutate({ enabled: true });
		expect((await h.scim("GET", "/Users?count=1")).status).toBe(200);
		const events = await auditOf(h.organization.id);
		expect(events.slice(-2).map((event) => JSON.parse(event.changes ?? "{}"))).toEqual([
			{ scimEnabled: { old: true, new: false } },
			{ scimEnabled: { old: false, new: true } },
		]);
		expect(events.slice(-2).map((event) => [event.actor_type, event.actor_id])).toEqual([
			["admin", h.admin.userId],
			["admin", h.admin.userId],
		]);
		await expect(
			h.admin.client.connections.setScimEnabled.mutate({ enabled: "no" as unknown as boolean }),
		).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
		expect((await other.client.connections.list.query()).organization.scimEnabled).toBe(true);
	});
});
