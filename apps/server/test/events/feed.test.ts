import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { apiClient, issueAppKey } from "../api/fixtures.ts";
import { freshTenant, keyring, provision } from "../audit/fixtures.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";

const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

type FeedEvent = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };

async function tenantWithKey(slug: string) {
	const tenant = await freshTenant(h, slug);
	const api = apiClient(h, await issueAppKey(h, slug));
	const feed = async (query = "") => {
		const reply = await api("GET", `/events${query}`);
		expect(reply.status).toBe(200);
		return reply.body as { events: FeedEvent[]; next: string; hasMore: boolean };
	};
	return { ...tenant, api, feed };
}

const seal = () => sealAuditEvents(h.db.db, keyring);

describe(`GET /api/v1/events (${database})`, () => {
	it("lists every kind of provisioning change once sealed, in commit-safe order, without internals", async () => {
		const { scim, feed } = await tenantWithKey("feed-kinds");
		const [ada] = await provision(scim, ["ada@example.com"]);
		expect((await feed()).events).toEqual([]);
		const patch = (value: Record<string, unknown>) =>
			scim("PATCH", `/Users/${ada}`, {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [{ op: "replace", value }],
			});
		expect((await patch({ displayName: "Ada L." })).status).toBe(200);
		expect((await patch({ active: false })).status).toBe(200);
		expect((await patch({ active: true })).status).toBe(200);
		const group = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "eng" });
		expect(group.status).toBe(201);
		expect((await scim("DELETE", `/Users/${ada}`)).status).toBe(204);
		await seal();

		const page = await feed();
		expect(page.events.map((event) => event.type)).toEqual([
			"user.provisioned",
			"user.updated",
			"user.deprovisioned",
			"user.reactivated",
			"group.provisioned",
			"user.deleted",
		]);
		const ids = page.events.map((event) => BigInt(event.id.slice(4)));
		expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
		expect(page.next).toBe(page.events.at(-1)?.id);
		expect(page.hasMore).toBe(false);
		expect(page.events[0]?.data.subject).toEqual({ type: "User", id: ada, name: "ada@example.com" });
		expect(page.events[1]?.data.changes).toMatchObject({ displayName: { new: "Ada L." } });
		expect(page.events[4]?.data.subject).toMatchObject({ type: "Group", name: "eng" });
		const text = JSON.stringify(page);
		for (const internal of [
			"hash",
			"prevHash",
			"prev_hash",
			"tokenPrefix",
			"userAgent",
			"requestId",
			"actor",
		]) {
			expect(text).not.toContain(internal);
		}
		expect((await feed(`?after=${page.next}`)).events).toEqual([]);
		expect((await feed(`?after=${page.next}`)).next).toBe(page.next);
	});

	it("tells a host application whose tier and roles a group change moved, with both before and after", async () => {
		const { organization, scim, feed } = await tenantWithKey("feed-access");
		const [project] = await rows<{ id: string }>(
			h.db.db,
			sql`insert into projects (org_id, slug, name) values (${organization.id}::uuid, 'ledger', 'Ledger') returning id`,
		);
		await createRoleMapping(h.db.db, {
			organization,
			mapping: {
				matchKind: "group_display_name",
				matchValue: "Ledger Admins",
				targetKind: "project_role",
				projectSelector: "ledger",
				projectRole: "admin",
			},
			actor: { type: "system", name: "feed-test" },
		});
		const [ada] = await provision(scim, ["ada@example.com"]);
		const group = await scim("POST", "/Groups", {
			schemas: [GROUP],
			displayName: "Ledger Admins",
			members: [{ value: ada }],
		});
		expect(group.status).toBe(201);
		await seal();

		const changed = (await feed()).events.filter((event) => event.type === "access.changed");
		expect(changed).toHaveLength(1);
		const ledgerAdmin = { projectId: project?.id, projectSlug: "ledger", role: "admin" };
		expect(changed[0]?.data).toMatchObject({
			subject: { type: "User", id: ada, name: "ada@example.com" },
			access: { old: "NONE", new: expect.any(String) },
			roles: { old: [], new: [ledgerAdmin] },
			cause: { group: { id: group.body?.id, displayName: "Ledger Admins" } },
		});
	});

	it("pages with limit and next, and never shows another organization's events", async () => {
		const mine = await tenantWithKey("feed-paging");
		const theirs = await tenantWithKey("feed-theirs");
		await provision(mine.scim, ["a@example.com", "b@example.com", "c@example.com"]);
		await provision(theirs.scim, ["x@example.com"]);
		await seal();
		const first = await mine.feed("?limit=2");
		expect(first.events.map((event) => event.data.subject)).toMatchObject([
			{ name: "a@example.com" },
			{ name: "b@example.com" },
		]);
		expect(first.hasMore).toBe(true);
		const second = await mine.feed(`?limit=2&after=${first.next}`);
		expect(second.events.map((event) => event.data.subject)).toMatchObject([{ name: "c@example.com" }]);
		expect(second.hasMore).toBe(false);
		const other = await theirs.feed();
		expect(other.events.map((event) => event.data.subject)).toMatchObject([{ name: "x@example.com" }]);
		// Their cursor says nothing about my events: reading mine after it still skips theirs.
		const mineAfterTheirs = await mine.feed(`?after=${other.next}`);
		expect(JSON.stringify(mineAfterTheirs)).not.toContain("x@example.com");
	});

	it("refuses bad cursors and limits with 400 and a clear error, and requests without a key with 401", async () => {
		const { api } = await tenantWithKey("feed-refusals");
		for (const query of [
			"?after=12",
			"?after=evt_",
			"?after=evt_-1",
			"?after=evt_01",
			"?after=evt_1.5",
			"?after=evt_99999999999999999999",
			"?after=evt_9223372036854775808",
			"?limit=0",
			"?limit=1001",
			"?limit=ten",
			"?limit=-1",
		]) {
			const reply = await api("GET", `/events${query}`);
			expect(reply.status, query).toBe(400);
			expect(reply.body?.error, query).toBe("invalid_request");
			expect(String(reply.body?.detail), query).toMatch(/cursor|limit/);
		}
		expect((await api("GET", "/events?after=evt_9223372036854775807")).status).toBe(200);
		const anonymous = apiClient(h, undefined);
		expect((await anonymous("GET", "/events")).status).toBe(401);
		expect((await apiClient(h, h.token)("GET", "/events")).status).toBe(401);
	});

	it("holds back a committed event while a lower id may still commit, then lists both in id order", async () => {
		const { organization, feed } = await tenantWithKey("feed-horizon");
		const insert = (name: string) =>
			sql`insert into audit_events (org_id, actor_type, action, entity_type, entity_id, entity_name)
				values (${organization.id}, 'system', 'SCIM_USER_UPDATED', 'User', ${name}, ${name})
				returning id::text as id`;
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		let inserted = () => {};
		const lowInserted = new Promise<void>((resolve) => {
			inserted = resolve;
		});
		const slow = h.db.db.transaction(async (tx) => {
			await rows(tx, insert("low"));
			inserted();
			await gate;
		});
		await lowInserted;
		if (h.db.kind === "postgres") {
			await h.db.db.execute(insert("high"));
			expect(await sealAuditEvents(h.db.db, keyring, { waitMs: 0 })).toBe(0);
			expect((await feed()).events).toEqual([]);
			release();
			await slow;
		} else {
			// PGlite runs one transaction at a time: the later insert waits for the first to commit.
			release();
			await slow;
			await h.db.db.execute(insert("high"));
		}
		await seal();
		expect((await feed()).events.map((event) => event.data.subject)).toMatchObject([
			{ name: "low" },
			{ name: "high" },
		]);
	});
});
