import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	addProject,
	mapping,
	PATCH_SCHEMA,
	patch,
	provisionGroup,
	provisionUser,
	signIn,
	USER_SCHEMA,
} from "../access/fixtures.ts";
import { CONSOLE_ORIGIN, type ConsoleHarness, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let dana: string;
let erin: string;
let everyone: string;
let admins: string;
let danaToken: string;

const APOLLO_WRITE = "urn:roster:role:project:apollo:write";
const PHANTOM = "urn:roster:entitlement:project:phantom";

beforeAll(async () => {
	h = await createConsoleHarness();
	await addProject(h, "apollo");
	await mapping(h, {
		matchKind: "group_display_name",
		matchValue: "Okta-Admins",
		targetKind: "tier",
		tier: "ADMIN",
		priority: 10,
	});
	await mapping(h, {
		matchKind: "group_display_name",
		matchValue: "Everyone",
		targetKind: "tier",
		tier: "USER",
		priority: 20,
	});
	dana = await provisionUser(h, "dana@example.com", {
		displayName: "Dana Scully",
		emails: [{ value: "dana@example.com", primary: true }],
		roles: [APOLLO_WRITE],
		entitlements: [PHANTOM],
	});
	erin = await provisionUser(h, "erin@example.com", { displayName: "Erin Secret" });
	everyone = await provisionGroup(h, "Everyone", [dana, erin]);
	admins = await provisionGroup(h, "Okta-Admins", [erin]);
	danaToken = await signIn(h, dana);
});
afterAll(async () => {
	await h.close();
});

/** `me.access` over plain HTTP the way the browser sends a query, with whatever `input` parameter is given. */
async function rawAccess(token: string, query = ""): Promise<{ status: number; body: string }> {
	const response = await h.app.request(`${CONSOLE_ORIGIN}/trpc/me.access${query}`, {
		headers: { origin: CONSOLE_ORIGIN, "x-roster-csrf": "1", cookie: `roster_session=${token}` },
	});
	return { status: response.status, body: await response.text() };
}

describe("me.access: a SCIM-provisioned user reads their own access", () => {
	it("answers tier, project roles, groups and the reason for every grant, in the user page's words", async () => {
		const mine = await h.trpcFor(danaToken).me.access.query();
		expect(mine.profile).toEqual({
			userName: "dana@example.com",
			displayName: "Dana Scully",
			email: "dana@example.com",
			active: true,
			source: "scim",
		});
		expect(mine.connection).toEqual({ name: "primary" });
		expect(mine.access.tier).toBe("USER");
		expect(mine.access.tierSourceText).toBe("mapping #2");
		expect(mine.access.computedAt).not.toBeNull();
		expect(mine.access.explanation.granted.map((grant) => grant.text)).toContain(
			"USER because member of `Everyone`, mapping #2, priority 20",
		);
		expect(mine.access.projectRoles).toEqual([
			expect.objectContaining({
				projectSlug: "apollo",
				role: "write",
				sourceText: `role "${APOLLO_WRITE}" sent on the user`,
			}),
		]);
		expect(mine.sent).toEqual({ roles: [APOLLO_WRITE], entitlements: [PHANTOM] });
		expect(mine.access.explanation.ignored.map((ignored) => ignored.value)).toEqual([PHANTOM]);
		expect(mine.access.explanation.ignored[0]?.text).toMatch(/granted nothing/);
		expect(mine.groups).toEqual({ items: [{ id: everyone, displayName: "Everyone" }], total: 1 });
		expect(Date.parse(mine.readAt)).toBeLessThanOrEqual(Date.now());
		expect(Date.parse(mine.session.idleExpiresAt)).toBeLessThanOrEqual(Date.parse(mine.session.expiresAt));
		expect(Date.parse(mine.session.expiresAt)).toBeGreaterThan(Date.now());
	});

	it("is the same as the user page an administrator reads", async () => {
		const mine = await h.trpcFor(danaToken).me.access.query();
		const adminView = await h.admin.client.users.get.query({ id: dana });
		expect(mine.access).toEqual(adminView.access);
	});

	it("never carries another user's data", async () => {
		const text = JSON.stringify(await h.trpcFor(danaToken).me.access.query());
		for (const other of [erin, "erin@example.com", "Erin Secret", admins, "Okta-Admins", h.admin.email])
			expect(text).not.toContain(other);
	});

	it("shows a promotion on the very next request, with its reason, and a demotion likewise", async () => {
		const client = h.trpcFor(danaToken);
		await patch(h, `/Groups/${admins}`, { op: "Add", path: "members", value: [{ value: dana }] });
		const promoted = await client.me.access.query();
		expect(promoted.access.tier).toBe("ADMIN");
		expect(promoted.access.tierSourceText).toBe("mapping #1");
		expect(promoted.access.explanation.granted.map((grant) => grant.text)).toContain(
			"ADMIN because member of `Okta-Admins`, mapping #1, priority 10",
		);
		expect(promoted.access.explanation.overruled.map((grant) => grant.text)).toContain(
			"USER because member of `Everyone`, mapping #2, priority 20; overruled: a higher tier: ADMIN from mapping #1",
		);
		expect(promoted.groups.items.map((group) => group.displayName)).toEqual(["Everyone", "Okta-Admins"]);
		await expect(client.session.me.query()).resolves.toMatchObject({ tier: "ADMIN" });
		await expect(client.users.list.query({})).resolves.toMatchObject({ rows: expect.any(Array) });

		await patch(h, `/Groups/${admins}`, {
			op: "Remove",
			path: "members",
			value: [{ value: dana }],
		});
		const demoted = await client.me.access.query();
		expect(demoted.access.tier).toBe("USER");
		expect(demoted.groups.items.map((group) => group.displayName)).toEqual(["Everyone"]);
		await expect(client.users.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
	});

	it("shows a user's whole loss of access too: the organization's fallback, and why", async () => {
		const frank = await provisionUser(h, "frank@example.com");
		const mine = await h.trpcFor(await signIn(h, frank)).me.access.query();
		expect(mine.access.tier).toBe("NONE");
		expect(mine.access.explanation.granted.map((grant) => grant.text)).toEqual([
			"NONE because the organization's fallback tier",
		]);
		expect(mine.groups).toEqual({ items: [], total: 0 });
		expect(mine.sent).toEqual({ roles: [], entitlements: [] });
	});
});

describe("me.access takes no input that could name another user", () => {
	it("refuses any input, whatever it names, with BAD_REQUEST", async () => {
		const inputs: unknown[] = [{ id: erin }, { userId: erin }, { userName: "erin@example.com" }, erin, {}];
		for (const input of inputs) {
			const answer = await rawAccess(danaToken, `?input=${encodeURIComponent(JSON.stringify(input))}`);
			expect({ input, status: answer.status }).toEqual({ input, status: 400 });
			expect(answer.body).not.toContain("Erin Secret");
		}
		await expect(h.trpcFor(danaToken).me.access.query({ id: erin } as never)).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
	});

	it("answers the session's own user without one", async () => {
		const answer = await rawAccess(danaToken);
		expect(answer.status).toBe(200);
		expect(answer.body).toContain("dana@example.com");
	});
});

describe("me.access for a local administrator", () => {
	it("says the truth: ADMIN, set in the console, no IdP and no computed decision", async () => {
		const mine = await h.admin.client.me.access.query();
		expect(mine.profile).toMatchObject({ userName: h.admin.email, source: "local", active: true });
		expect(mine.connection).toBeNull();
		expect(mine.access).toMatchObject({
			tier: "ADMIN",
			tierSource: "console",
			tierSourceText: "set in the console (local administrator)",
			computedAt: null,
			projectRoles: [],
			explanation: { granted: [], overruled: [], ignored: [] },
		});
		expect(mine.groups.total).toBe(0);
	});
});

describe("me.access across organizations", () => {
	it("reads only the session's organization, even for the same userName elsewhere", async () => {
		const acme = h.clientFor(await h.issueToken("acme", "acme-okta", "okta"));
		const created = await acme("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName: "dana@example.com",
			displayName: "Dana at Acme",
		});
		expect(created.status, created.text).toBe(201);
		const acmeDana = created.body?.id as string;
		const mine = await h.trpcFor(await signIn(h, acmeDana)).me.access.query();
		expect(mine.profile.displayName).toBe("Dana at Acme");
		expect(mine.connection).toEqual({ name: "acme-okta" });
		expect(mine.access.tier).toBe("NONE");
		expect(mine.groups.total).toBe(0);
		expect(JSON.stringify(mine)).not.toContain("Everyone");

		const home = await h.trpcFor(danaToken).me.access.query();
		expect(home.profile.displayName).toBe("Dana Scully");
		expect(home.groups.items.map((group) => group.displayName)).toEqual(["Everyone"]);
	});
});

describe("me.access after deprovisioning", () => {
	it("is refused with 401 on the next request: the session is gone", async () => {
		const grace = await provisionUser(h, "grace@example.com");
		const token = await signIn(h, grace);
		expect((await rawAccess(token)).status).toBe(200);
		const res = await h.scim("PATCH", `/Users/${grace}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		expect(res.status, res.text).toBe(200);
		expect((await rawAccess(token)).status).toBe(401);
		await expect(h.trpcFor(token).me.access.query()).rejects.toMatchObject({
			data: { code: "UNAUTHORIZED" },
		});
	});

	it("is refused without a session at all", async () => {
		const response = await h.app.request(`${CONSOLE_ORIGIN}/trpc/me.access`, {
			headers: { origin: CONSOLE_ORIGIN, "x-roster-csrf": "1" },
		});
		expect(response.status).toBe(401);
	});
});
