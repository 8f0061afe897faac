import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient } from "../../apps/server/test/scim/harness.ts";
import { FakeClock } from "./clock.ts";
import { Directory, type DirectoryUser } from "./directory.ts";
import type { Exchange, JsonObject } from "./http.ts";
import { OKTA_USER_AGENT, OktaTenant } from "./okta.ts";
import { type RosterUnderTest, SCIM_BASE, startRoster } from "./roster.fixture.ts";
import { ENTERPRISE } from "./urns.ts";

let roster: RosterUnderTest;
beforeAll(async () => {
	roster = await startRoster();
});
afterAll(async () => {
	await roster.close();
});

const ADMIN_ROLE = "urn:roster:role:organization:*:admin";
const OPAQUE_ROLE = "okta-app-role-billing";
const ENTITLEMENT = "urn:roster:entitlement:project:atlas";

async function read(admin: ScimClient, path: string): Promise<JsonObject> {
	const res = await admin("GET", path, undefined, { "User-Agent": OKTA_USER_AGENT });
	expect(res.status, `${path} → ${res.text}`).toBe(200);
	return res.body as JsonObject;
}

async function memberIdsOf(admin: ScimClient, groupId: string): Promise<string[]> {
	const members =
		((await read(admin, `/Groups/${groupId}`)).members as { value: string }[] | undefined) ?? [];
	return members.map((member) => member.value).sort();
}

function operations(exchange: Exchange | undefined): JsonObject[] {
	const body = exchange?.requestBody as { Operations?: JsonObject[] } | undefined;
	return body?.Operations ?? [];
}

describe.each([{ app: "oin" as const }, { app: "aiw" as const }])(
	"Okta provisioning lifecycle ($app)",
	({ app }) => {
		const clock = new FakeClock();
		const directory = new Directory(clock, `okta-${app}.example`);
		const org = `okta-${app}`;
		let tenant: OktaTenant;
		let admin: ScimClient;
		let token = "";
		const staff: DirectoryUser[] = [];
		let engineering = "";
		let sales = "";
		const unassigned: DirectoryUser[] = [];
		const snapshots = new Map<string, JsonObject>();
		const at = (index: number) => staff[index] as DirectoryUser;
		const rosterId = (user: DirectoryUser) => tenant.rosterUserId(user.id) as string;
		const sent = (mark: number) => tenant.http.exchanges.slice(mark);

		beforeAll(async () => {
			const connection = await roster.connect(org, "okta");
			admin = connection.admin;
			token = connection.token;
			tenant = new OktaTenant({
				app,
				directory,
				clock,
				baseUrl: SCIM_BASE,
				token,
				fetch: roster.fetch,
				deleteUnlinkedGroups: true,
			});
		});

		it("test connector: GET /Users?startIndex=1&count=2 and GET /Groups?startIndex=1&count=100 with Okta's User-Agent", async () => {
			await tenant.testConnector();
			expect(tenant.http.exchanges.map((exchange) => [exchange.path, exchange.status])).toEqual([
				["/Users?startIndex=1&count=2", 200],
				["/Groups?startIndex=1&count=100", 200],
			]);
			expect(tenant.http.exchanges[0]?.requestHeaders["User-Agent"]).toBe("Okta SCIM Client 1.0.0");
		});

		it("assignment: 20 lookups with &startIndex=1&count=100, 20 POSTs with a password placeholder; roles come back as strings", async () => {
			for (let i = 0; i < 20; i++) {
				staff.push(
					directory.hire({
						givenName: `Given${i}`,
						surname: `Family${i}`,
						department: i % 2 === 0 ? "Engineering" : "Sales",
						employeeId: `K${i}`,
						locale: "en-US",
						...(i > 0 ? { managerId: staff[0]?.id as string } : {}),
						...(i < 3 ? { roles: [ADMIN_ROLE, OPAQUE_ROLE], entitlements: [ENTITLEMENT] } : {}),
					}),
				);
			}
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			const exchanges = sent(mark);
			const lookups = exchanges.filter((exchange) => exchange.path.startsWith("/Users?filter="));
			expect(lookups).toHaveLength(20);
			expect(lookups[0]?.path).toMatch(/^\/Users\?filter=userName%20eq%20%22.*%22&startIndex=1&count=100$/);
			const posts = exchanges.filter((exchange) => exchange.method === "POST");
			expect(posts).toHaveLength(20);
			expect(posts[0]?.requestBody).toMatchObject({
				password: expect.any(String),
				groups: [],
				externalId: at(0).id,
			});
			for (const post of posts) expect(post.text).not.toContain('"password"');
			const first = await read(admin, `/Users/${rosterId(at(0))}`);
			expect(first).toMatchObject({
				userName: at(0).userPrincipalName,
				externalId: at(0).id,
				locale: "en-US",
				roles: [ADMIN_ROLE, OPAQUE_ROLE],
				entitlements: [ENTITLEMENT],
				[ENTERPRISE]: { employeeNumber: "K0", department: "Engineering" },
			});
			const second = await read(admin, `/Users/${rosterId(at(1))}`);
			expect((second[ENTERPRISE] as JsonObject).manager).toMatchObject({ value: at(0).id });
			const actions = await roster.auditActions(org);
			expect(actions.filter((event) => event.action === "SCIM_USER_PROVISIONED")).toHaveLength(20);
		});

		it("group push: groups are created and filled (OIN: lookup, POST members:[], PATCH add; AIW: list, POST, GET, PUT)", async () => {
			engineering = directory.createGroup(
				`Engineering ${app}`,
				staff.slice(0, 10).map((user) => user.id),
				{ assign: false },
			).id;
			sales = directory.createGroup(
				`Sales ${app}`,
				staff.slice(10, 16).map((user) => user.id),
				{ assign: false },
			).id;
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			const exchanges = sent(mark);
			const shape = exchanges.map(
				(exchange) => `${exchange.method} ${exchange.path.split("?")[0]?.replace(/[0-9a-f-]{36}/, "{id}")}`,
			);
			if (app === "oin") {
				expect(shape.slice(0, 3)).toEqual(["GET /Groups", "POST /Groups", "PATCH /Groups/{id}"]);
				expect(exchanges[1]?.requestBody).toMatchObject({ members: [] });
				expect(operations(exchanges[2])).toEqual([
					{
						op: "replace",
						value: { id: tenant.rosterGroupId(engineering), displayName: `Engineering ${app}` },
					},
				]);
			} else {
				expect(shape.slice(0, 4)).toEqual([
					"GET /Groups",
					"POST /Groups",
					"GET /Groups/{id}",
					"PUT /Groups/{id}",
				]);
				expect(exchanges[0]?.path).toBe("/Groups?startIndex=1&count=100");
			}
			expect(await memberIdsOf(admin, tenant.rosterGroupId(engineering) as string)).toEqual(
				staff.slice(0, 10).map(rosterId).sort(),
			);
			expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toEqual(
				staff.slice(10, 16).map(rosterId).sort(),
			);
			const group = await read(admin, `/Groups/${tenant.rosterGroupId(sales)}`);
			expect((group.members as JsonObject[])[0]).toHaveProperty("display");
		});

		it("profile update: GET then a full PUT built from that GET (id, meta, groups sent back) → 200 + user", async () => {
			const user = at(4);
			directory.updateProfile(user.id, {
				givenName: "Another",
				surname: "User",
				jobTitle: "Lead",
				department: "Platform",
			});
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			const [get, put] = sent(mark);
			expect([get?.method, put?.method]).toEqual(["GET", "PUT"]);
			const body = put?.requestBody as JsonObject;
			expect(body.id).toBe(rosterId(user));
			expect(body.meta).toEqual(get?.body?.meta);
			expect(body.groups).toEqual(get?.body?.groups);
			expect(put?.status).toBe(200);
			expect(await read(admin, `/Users/${rosterId(user)}`)).toMatchObject({
				name: { givenName: "Another", familyName: "User" },
				title: "Lead",
				[ENTERPRISE]: { department: "Platform", employeeNumber: "K4" },
			});
		});

		it("swapping members: OIN sends the rename PATCH then one PATCH mixing removes and an add; AIW PUTs the full list", async () => {
			const movers = staff.slice(7, 10).map((user) => user.id);
			directory.removeMembers(engineering, movers);
			directory.addMembers(sales, movers);
			directory.removeMembers(sales, [at(15).id]);
			directory.addMembers(engineering, [at(15).id]);
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			const patches = sent(mark).filter((exchange) => exchange.method === "PATCH");
			if (app === "oin") {
				const mixed = operations(patches[1]);
				expect(mixed.map((op) => op.op)).toEqual(["remove", "remove", "remove", "add"]);
				expect(mixed[0]?.path).toBe(`members[value eq "${rosterId(at(7))}"]`);
			} else {
				expect(patches).toEqual([]);
				expect(sent(mark).filter((exchange) => exchange.method === "PUT")).toHaveLength(2);
			}
			expect(await memberIdsOf(admin, tenant.rosterGroupId(engineering) as string)).toEqual(
				[...staff.slice(0, 7), at(15)].map(rosterId).sort(),
			);
			expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toEqual(
				staff.slice(7, 15).map(rosterId).sort(),
			);
		});

		it("deactivation (unassign): OIN path-less PATCH {active:false}, AIW GET+PUT active:false; readable, members kept, one DEPROVISIONED each", async () => {
			unassigned.push(at(2), at(11), at(17));
			for (const user of unassigned) {
				snapshots.set(user.id, await read(admin, `/Users/${rosterId(user)}`));
				directory.unassign(user.id);
			}
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			const exchanges = sent(mark);
			if (app === "oin") {
				expect(exchanges.map(operations)).toEqual(
					Array(3).fill([{ op: "replace", value: { active: false } }]),
				);
			} else {
				expect(exchanges.map((exchange) => exchange.method)).toEqual([
					"GET",
					"PUT",
					"GET",
					"PUT",
					"GET",
					"PUT",
				]);
				expect(exchanges[1]?.requestBody).toMatchObject({ active: false });
			}
			for (const user of unassigned) {
				const id = rosterId(user);
				expect(await read(admin, `/Users/${id}`)).toMatchObject({ id, active: false });
				const events = await roster.auditActions(org, id);
				expect(events.filter((event) => event.action === "SCIM_USER_DEPROVISIONED")).toHaveLength(1);
			}
			expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toContain(rosterId(at(11)));
		});

		it("reactivation (reassign) keeps id, externalId, attributes and memberships", async () => {
			for (const user of unassigned) directory.assign(user.id);
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			if (app === "oin") {
				expect(sent(mark).map(operations)).toEqual(
					Array(3).fill([{ op: "replace", value: { active: true } }]),
				);
			} else {
				expect(sent(mark)[0]?.path).toMatch(/^\/Users\?filter=userName/);
			}
			for (const user of unassigned) {
				const { meta: _before, ...before } = snapshots.get(user.id) as JsonObject;
				const { meta: _after, ...after } = await read(admin, `/Users/${rosterId(user)}`);
				expect(after).toEqual(before);
			}
			expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toContain(rosterId(at(11)));
		});

		it("a user deleted in Okta is only deactivated: Okta never sends DELETE /Users", async () => {
			const leaver = at(19);
			const id = rosterId(leaver);
			directory.purge(leaver.id);
			const mark = tenant.http.exchanges.length;
			expect(await tenant.sync()).toEqual([]);
			expect(sent(mark).some((exchange) => exchange.method === "DELETE")).toBe(false);
			expect(await read(admin, `/Users/${id}`)).toMatchObject({ active: false });
		});

		it("Push Now re-sends the full membership (OIN: replace members; AIW: PUT); the set is exact", async () => {
			const mark = tenant.http.exchanges.length;
			await tenant.pushNow(sales);
			expect(tenant.failedTasks).toEqual([]);
			const exchanges = sent(mark);
			if (app === "oin")
				expect(operations(exchanges[0])[0]).toMatchObject({ op: "replace", path: "members" });
			else expect(exchanges.map((exchange) => exchange.method)).toEqual(["GET", "PUT"]);
			expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toEqual(
				staff.slice(7, 15).map(rosterId).sort(),
			);
		});

		it("rename (OIN: path-less {id, displayName}; AIW: PUT) and delete (DELETE → 204, then 404)", async () => {
			directory.renameGroup(sales, `Sales EMEA ${app}`);
			const engineeringId = tenant.rosterGroupId(engineering) as string;
			directory.deleteGroup(engineering);
			expect(await tenant.sync()).toEqual([]);
			const salesId = tenant.rosterGroupId(sales) as string;
			expect(await read(admin, `/Groups/${salesId}`)).toMatchObject({ displayName: `Sales EMEA ${app}` });
			expect(await memberIdsOf(admin, salesId)).toEqual(staff.slice(7, 15).map(rosterId).sort());
			expect((await admin("GET", `/Groups/${engineeringId}`)).status).toBe(404);
			const events = await roster.auditActions(org, engineeringId);
			expect(events.map((event) => event.action)).toContain("SCIM_GROUP_DELETED");
		});

		it("import pages /Users with count=100 at startIndex 1, 101: every user exactly once, roles as strings", async () => {
			for (let i = 0; i < 110; i++) directory.hire({ givenName: "Bulk", surname: `Hire${i}` });
			expect(await tenant.sync()).toEqual([]);
			const mark = tenant.http.exchanges.length;
			const imported = await tenant.importAll("Users");
			expect(sent(mark).map((exchange) => exchange.path)).toEqual([
				"/Users?startIndex=1&count=100",
				"/Users?startIndex=101&count=100",
			]);
			expect(imported).toHaveLength(130);
			expect(new Set(imported.map((user) => user.id)).size).toBe(130);
			const groups = await tenant.importAll("Groups");
			expect(groups.map((group) => group.displayName)).toEqual([`Sales EMEA ${app}`]);
		});

		it("a 404 on GET before an update fails the task; Okta neither looks up nor re-creates", async () => {
			const user = at(5);
			expect((await admin("DELETE", `/Users/${rosterId(user)}`)).status).toBe(204);
			directory.updateProfile(user.id, { jobTitle: "Gone" });
			const mark = tenant.http.exchanges.length;
			const failed = await tenant.sync();
			expect(failed.map((task) => task.objectId)).toEqual([user.id]);
			expect(failed[0]?.reason).toMatch(/profile updates have errors/);
			expect(sent(mark).map((exchange) => exchange.method)).toEqual(["GET"]);
		});

		it("throttled at 25 requests/s: 429 with integer Retry-After and a SCIM error; Okta waits and every task completes", async () => {
			const realClock = new FakeClock({ onSleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
			await roster.configure(org, { rateLimit: { requestsPerSecond: 25 } });
			try {
				const throttled = new OktaTenant({
					app,
					directory,
					clock: realClock,
					baseUrl: SCIM_BASE,
					token,
					fetch: roster.fetch,
				});
				for (let i = 0; i < 30; i++) await throttled.testConnector();
				const refused = throttled.http.exchanges.filter((exchange) => exchange.status === 429);
				expect(refused.length).toBeGreaterThan(0);
				for (const exchange of refused) {
					expect(exchange.responseHeaders.get("retry-after")).toMatch(/^\d+$/);
					expect(exchange.body).toMatchObject({
						schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
						status: "429",
					});
				}
				expect(realClock.sleeps.length).toBe(refused.length);
				expect(throttled.failedTasks).toEqual([]);
			} finally {
				await roster.configure(org, {});
			}
		});
	},
);
