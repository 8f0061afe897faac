import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { createSession, resolveSession } from "../../src/sessions/sessions.ts";
import { addProject, provisionGroup, provisionUser, sessionCount } from "../access/fixtures.ts";
import { TEST_SECRET } from "../helpers.ts";
import { type ConsoleHarness, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let alice: string;
let bob: string;
let carol: string;

beforeAll(async () => {
	h = await createConsoleHarness();
	alice = await provisionUser(h, "alice@example.com", {
		displayName: "Alice Liddell",
		externalId: "okta-0001",
		emails: [{ value: "alice@example.com", primary: true }],
	});
	bob = await provisionUser(h, "bob@example.com", { displayName: "Bob 100%_real", externalId: "okta-0002" });
	carol = await provisionUser(h, "carol@example.com", { displayName: "Carol", active: false });
});
afterAll(async () => {
	await h.close();
});

/** Inserts `count` users in one statement: equal `created_at` (one transaction) and equal display names. */
async function seedSameKeys(prefix: string, count: number): Promise<void> {
	await rows(
		h.db.db,
		sql`insert into users (org_id, user_name, display_name)
			select ${h.organization.id}::uuid, ${prefix} || '-' || n, 'Same Name' from generate_series(1, ${count}::int) as n`,
	);
}

type ListInput = Parameters<ConsoleHarness["admin"]["client"]["users"]["list"]["query"]>[0];

/** Every row of a list, page by page, following the cursors. */
async function allPages(input: ListInput): Promise<{ ids: string[]; pages: number }> {
	const ids: string[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const page = await h.admin.client.users.list.query({ ...input, cursor });
		ids.push(...page.rows.map((row) => row.id));
		cursor = page.nextCursor ?? undefined;
		pages++;
	} while (cursor !== undefined && pages < 1000);
	return { ids, pages };
}

describe("users.list: the search box", () => {
	it("matches a substring of userName, email, displayName or externalId, in any letter case", async () => {
		const ids = async (search: string) =>
			(await h.admin.client.users.list.query({ search })).rows.map((row) => row.id);
		expect(await ids("ALI")).toEqual([alice]);
		expect(await ids("liddell")).toEqual([alice]);
		expect(await ids("okta-0002")).toEqual([bob]);
		expect(await ids("@example.com")).toEqual(expect.arrayContaining([alice, bob, carol]));
	});

	it("takes LIKE wildcards literally", async () => {
		const found = await h.admin.client.users.list.query({ search: "100%_" });
		expect(found.rows.map((row) => row.id)).toEqual([bob]);
		expect((await h.admin.client.users.list.query({ search: "0%r" })).rows).toEqual([]);
	});

	it("answers each row with its source, connection and tier, and an exact total", async () => {
		const found = await h.admin.client.users.list.query({ search: "alice" });
		expect(found.total).toEqual({ count: 1, exact: true });
		expect(found.rows[0]).toMatchObject({
			id: alice,
			userName: "alice@example.com",
			displayName: "Alice Liddell",
			externalId: "okta-0001",
			active: true,
			source: "scim",
			connection: { name: "primary", idpKind: "generic" },
		});
		const local = await h.admin.client.users.list.query({ search: h.admin.email });
		expect(local.rows[0]).toMatchObject({
			id: h.admin.userId,
			source: "local",
			connection: null,
			tier: "ADMIN",
		});
	});
});

describe("users.list: SCIM filters", () => {
	it("filters with the SCIM filter language", async () => {
		const found = await h.admin.client.users.list.query({
			mode: "scim",
			search: 'userName sw "c" and active eq false',
		});
		expect(found.rows.map((row) => row.id)).toEqual([carol]);
		const byExternal = await h.admin.client.users.list.query({
			mode: "scim",
			search: 'externalId eq "okta-0001"',
		});
		expect(byExternal.rows.map((row) => row.id)).toEqual([alice]);
	});

	it("refuses an invalid filter with BAD_REQUEST and the parser's message", async () => {
		const error = await h.admin.client.users.list
			.query({ mode: "scim", search: 'userName sw "a" and' })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ data: { code: "BAD_REQUEST" } });
		expect((error as Error).message).toMatch(/filter/i);
	});

	it("refuses a filter on an unknown attribute with BAD_REQUEST", async () => {
		await expect(
			h.admin.client.users.list.query({ mode: "scim", search: 'shoeSize eq "9"' }),
		).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
	});

	it("combines the facets: active, tier and connection", async () => {
		const inactive = await h.admin.client.users.list.query({ active: false });
		expect(inactive.rows.map((row) => row.id)).toEqual([carol]);
		const admins = await h.admin.client.users.list.query({ tier: "ADMIN" });
		expect(admins.rows.map((row) => row.id)).toContain(h.admin.userId);
		expect(admins.rows.map((row) => row.id)).not.toContain(alice);
		const [connection] = await rows<{ id: string }>(
			h.db.db,
			sql`select connection_id::text as id from users where id = ${alice}::uuid`,
		);
		const viaPrimary = await h.admin.client.users.list.query({ connectionId: connection?.id });
		expect(viaPrimary.rows.map((row) => row.id)).toEqual(expect.arrayContaining([alice, bob, carol]));
		expect(viaPrimary.rows.map((row) => row.id)).not.toContain(h.admin.userId);
	});
});

describe("users.list: sorting and keyset paging", () => {
	it("sorts on the server, ascending and descending", async () => {
		const names = async (direction: "asc" | "desc") =>
			(
				await h.admin.client.users.list.query({ search: "@example.com", sort: "userName", direction })
			).rows.map((row) => row.userName);
		expect(await names("asc")).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);
		expect(await names("desc")).toEqual(["carol@example.com", "bob@example.com", "alice@example.com"]);
	});

	it("pages through equal sort keys without duplicates or gaps, for every sort and direction", async () => {
		await seedSameKeys("same", 45);
		const expected = (
			await rows<{ id: string }>(
				h.db.db,
				sql`select id::text as id from users where org_id = ${h.organization.id}::uuid and not is_deleted`,
			)
		)
			.map((row) => row.id)
			.sort();
		for (const sort of ["userName", "displayName", "tier", "created", "updated", "active"] as const) {
			for (const direction of ["asc", "desc"] as const) {
				const { ids, pages } = await allPages({ sort, direction, limit: 7 });
				expect(pages, `${sort} ${direction}`).toBe(Math.ceil(expected.length / 7));
				expect(new Set(ids).size, `${sort} ${direction}`).toBe(ids.length);
				expect([...ids].sort(), `${sort} ${direction}`).toEqual(expected);
			}
		}
	});

	it("keeps the search applied across pages", async () => {
		const { ids } = await allPages({ search: "same-", limit: 10, sort: "created" });
		expect(ids).toHaveLength(45);
	});

	it("refuses a cursor from another sort or one that is not ours", async () => {
		const first = await h.admin.client.users.list.query({ sort: "userName", limit: 2 });
		expect(first.nextCursor).not.toBeNull();
		await expect(
			h.admin.client.users.list.query({ sort: "created", limit: 2, cursor: first.nextCursor ?? "" }),
		).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
		await expect(h.admin.client.users.list.query({ cursor: "not-a-cursor" })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST" },
		});
	});

	it("bounds the page size (at most 200) with a field error", async () => {
		await expect(h.admin.client.users.list.query({ limit: 201 })).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { limit: [expect.any(String)] } },
		});
	});
});

describe("users.get: the user's page", () => {
	it("shows profile, source and connection, groups, and the explanation of every grant with its mapping", async () => {
		const groupId = await provisionGroup(h, "Okta-Admins", [alice]);
		await provisionGroup(h, "Everyone", [alice, bob]);
		const actor = { type: "system" as const, name: "test" };
		const first = await createRoleMapping(h.db.db, {
			organization: h.organization,
			mapping: {
				matchKind: "group_display_name",
				matchValue: "everyone",
				targetKind: "tier",
				tier: "USER",
				priority: 5,
			},
			actor,
		});
		const admin = await createRoleMapping(h.db.db, {
			organization: h.organization,
			mapping: {
				matchKind: "group_display_name",
				matchValue: "Okta-Admins",
				targetKind: "tier",
				tier: "ADMIN",
				priority: 10,
			},
			actor,
		});

		const user = await h.admin.client.users.get.query({ id: alice });
		expect(user.profile).toMatchObject({
			id: alice,
			userName: "alice@example.com",
			source: "scim",
			connection: { name: "primary", idpKind: "generic" },
			active: true,
		});
		expect(user.groups.total).toBe(2);
		expect(user.groups.items.map((g) => g.displayName)).toEqual(["Everyone", "Okta-Admins"]);
		expect(user.access.tier).toBe("ADMIN");
		expect(user.access.tierSourceText).toBe("mapping #2");

		const [granted] = user.access.explanation.granted;
		expect(granted).toMatchObject({
			value: "ADMIN",
			text: "ADMIN because member of `Okta-Admins`, mapping #2, priority 10",
			group: { id: groupId, displayName: "Okta-Admins", exists: true },
			mapping: { id: admin.mapping.id, number: 2, priority: 10, exists: true },
		});
		const overruled = user.access.explanation.overruled.map((g) => g.text);
		expect(overruled).toContain(
			"USER because member of `Everyone`, mapping #1, priority 5; overruled: a higher tier: ADMIN from mapping #2",
		);
		expect(overruled).toContain(
			"NONE because the organization's fallback tier; overruled: a higher tier: ADMIN from mapping #2",
		);
		expect(JSON.stringify(user)).not.toContain(`mapping:${first.mapping.id}`);
	});

	it("explains an inactive user's loss of access", async () => {
		const user = await h.admin.client.users.get.query({ id: carol });
		expect(user.access.tier).toBe("NONE");
		expect(user.access.explanation.granted[0]?.text).toBe("NONE because the user is inactive");
	});

	it("explains a project role granted by an IdP role value, and lists the project role", async () => {
		await addProject(h, "apollo");
		const value = "urn:roster:role:project:apollo:write";
		const dave = await provisionUser(h, "dave@example.com", { roles: [{ value }] });
		const user = await h.admin.client.users.get.query({ id: dave });
		expect(user.access.projectRoles).toEqual([
			expect.objectContaining({
				projectSlug: "apollo",
				role: "write",
				sourceText: `role "${value}" sent on the user`,
			}),
		]);
		const texts = user.access.explanation.granted.map((g) => g.text);
		expect(texts).toContain(`write on project apollo because role "${value}" sent on the user`);
		expect(user.access.tier).toBe("USER");
		expect(user.access.tierSourceText).toBe("implied by a project role");
	});

	it("names the winner of an overruled grant in words, never as a source string", async () => {
		const value = "urn:roster:role:organization:default:USER";
		const erin = await provisionUser(h, "erin@example.com", { roles: [{ value }] });
		const user = await h.admin.client.users.get.query({ id: erin });
		expect(user.access.explanation.overruled.map((g) => g.text)).toEqual([
			`NONE because the organization's fallback tier; overruled: a higher tier: USER from role "${value}" sent on the user`,
		]);
		expect(user.access.tierSourceText).toBe(`role "${value}" sent on the user`);
	});

	it("answers NOT_FOUND for an unknown, malformed or deleted id", async () => {
		await expect(
			h.admin.client.users.get.query({ id: "00000000-0000-4000-8000-000000000000" }),
		).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		await expect(h.admin.client.users.get.query({ id: "nope" })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		const gone = await provisionUser(h, "gone@example.com");
		expect((await h.scim("DELETE", `/Users/${gone}`)).status).toBe(204);
		await expect(h.admin.client.users.get.query({ id: gone })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
	});
});

describe("sessions: listed, and ended by an administrator", () => {
	it("lists live sessions with time, ip and user agent, never the token", async () => {
		const { token } = await createSession(h.db.db, {
			userId: bob,
			secret: TEST_SECRET,
			ip: "203.0.113.7",
			userAgent: "Firefox/140",
		});
		const user = await h.admin.client.users.get.query({ id: bob });
		expect(user.sessions.total).toBe(1);
		expect(user.sessions.items[0]).toMatchObject({ ip: "203.0.113.7", userAgent: "Firefox/140" });
		expect(Object.keys(user.sessions.items[0] ?? {}).sort()).toEqual([
			"createdAt",
			"expiresAt",
			"ip",
			"userAgent",
		]);
		expect(JSON.stringify(user)).not.toContain(token);
	});

	it("ends every session of a user; the session is refused right after; the audit trail records it", async () => {
		const target = await h.adminOf("default");
		await expect(target.client.session.me.query()).resolves.toMatchObject({ tier: "ADMIN" });
		await createSession(h.db.db, { userId: target.userId, secret: TEST_SECRET });

		const answer = await h.admin.client.users.endSessions.mutate({ id: target.userId });
		expect(answer).toEqual({ sessionsEnded: 2 });
		await expect(target.client.session.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
		expect(await resolveSession(h.db.db, target.token, TEST_SECRET)).toBeNull();
		expect((await h.admin.client.users.get.query({ id: target.userId })).sessions.total).toBe(0);

		const events = await rows<{ action: string; actor_id: string; actor_type: string; metadata: unknown }>(
			h.db.db,
			sql`select action, actor_id::text as actor_id, actor_type, metadata from audit_events
				where entity_id = ${target.userId} and action = 'USER_SESSIONS_ENDED'`,
		);
		expect(events).toHaveLength(1);
		const metadata =
			typeof events[0]?.metadata === "string" ? JSON.parse(events[0].metadata) : events[0]?.metadata;
		expect(events[0]).toMatchObject({ actor_id: h.admin.userId, actor_type: "admin" });
		expect(metadata).toEqual({ sessionsKilled: 2 });
		expect(JSON.stringify(events)).not.toContain(target.token);
	});
});

describe("tenant isolation", () => {
	it("another organization's administrator sees none of these users and cannot end their sessions", async () => {
		const other = await h.adminOf("other-org");
		const { token } = await createSession(h.db.db, { userId: alice, secret: TEST_SECRET });
		const listed = await other.client.users.list.query({ search: "alice" });
		expect(listed.rows).toEqual([]);
		expect((await other.client.users.list.query({})).rows.map((row) => row.id)).toEqual([other.userId]);
		await expect(other.client.users.get.query({ id: alice })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		await expect(other.client.users.endSessions.mutate({ id: alice })).rejects.toMatchObject({
			data: { code: "NOT_FOUND" },
		});
		expect(await resolveSession(h.db.db, token, TEST_SECRET)).not.toBeNull();
		expect(await sessionCount(h.db.db, alice)).toBe(1);
		const audited = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from audit_events where entity_id = ${alice} and action = 'USER_SESSIONS_ENDED'`,
		);
		expect(Number(audited[0]?.n)).toBe(0);
	});

	it("refuses non-administrators", async () => {
		const member = await h.memberOf("default");
		await expect(member.client.users.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
		await expect(member.client.users.endSessions.mutate({ id: alice })).rejects.toMatchObject({
			data: { code: "FORBIDDEN" },
		});
	});
});

describe("users.list: totals", () => {
	beforeAll(() => seedSameKeys("many", 10_001));

	it("counts exactly up to 10,000 and says when there are more", async () => {
		const page = await h.admin.client.users.list.query({ limit: 10 });
		expect(page.total).toEqual({ count: 10_000, exact: false });
		const few = await h.admin.client.users.list.query({ search: "many-1000", limit: 10 });
		expect(few.total).toEqual({ count: 3, exact: true });
		expect(few.nextCursor).toBeNull();
		const paged = await h.admin.client.users.list.query({ search: "many-1000", limit: 1 });
		expect(paged.total).toEqual({ count: 3, exact: true });
	});

	it("pages a search the same whether its matches are few (collected) or past the exact count", async () => {
		const firstNames = async (input: ListInput) =>
			(await h.admin.client.users.list.query({ limit: 5, sort: "userName", ...input })).rows.map(
				(row) => row.userName,
			);
		const broad = await h.admin.client.users.list.query({ search: "many-", limit: 5, sort: "userName" });
		expect(broad.total).toEqual({ count: 10_000, exact: false });
		expect(broad.rows.map((row) => row.userName)).toEqual([
			"many-1",
			"many-10",
			"many-100",
			"many-1000",
			"many-10000",
		]);
		expect(await firstNames({ mode: "scim", search: 'userName sw "MANY-"' })).toEqual(
			broad.rows.map((row) => row.userName),
		);
		const narrow = await h.admin.client.users.list.query({
			mode: "scim",
			search: 'userName sw "many-999" and not (userName ew "8")',
			sort: "userName",
			direction: "desc",
			limit: 3,
		});
		expect(narrow.total).toEqual({ count: 10, exact: true });
		expect(narrow.rows.map((row) => row.userName)).toEqual(["many-9999", "many-9997", "many-9996"]);
		const outside = await h.admin.client.users.list.query({
			mode: "scim",
			search: 'not (userName co "many-")',
		});
		expect(outside.total.exact).toBe(true);
		expect(outside.rows.every((row) => !row.userName.includes("many-"))).toBe(true);
	});
});
