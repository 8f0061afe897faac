import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient } from "../../apps/server/test/scim/harness.ts";
import { DAY, FakeClock } from "./clock.ts";
import { Directory, type DirectoryUser } from "./directory.ts";
import { EntraTenant } from "./entra.ts";
import type { Exchange, JsonObject } from "./http.ts";
import { type RosterUnderTest, SCIM_BASE, startRoster } from "./roster.fixture.ts";
import { ENTERPRISE } from "./urns.ts";

let roster: RosterUnderTest;
beforeAll(async () => {
	roster = await startRoster();
});
afterAll(async () => {
	await roster.close();
});

const DEPARTMENTS = ["Engineering", "Sales", "Support", "Finance"];
const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Ken", "Dennis", "Margaret", "John"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov"];

async function read(admin: ScimClient, path: string): Promise<JsonObject> {
	const res = await admin("GET", path);
	expect(res.status, `${path} → ${res.text}`).toBe(200);
	return res.body as JsonObject;
}

async function memberIdsOf(admin: ScimClient, groupId: string): Promise<string[]> {
	const group = await read(admin, `/Groups/${groupId}`);
	const members = (group.members as { value: string }[] | undefined) ?? [];
	return members.map((member) => member.value).sort();
}

function since(tenant: EntraTenant, mark: number): Exchange[] {
	return tenant.http.exchanges.slice(mark);
}

function operations(exchange: Exchange): JsonObject[] {
	return (exchange.requestBody as { Operations: JsonObject[] }).Operations;
}

describe.each([
	{ profile: "entra", flag: false },
	{ profile: "entra-flag", flag: true },
])("Entra ID provisioning lifecycle ($profile)", ({ profile, flag }) => {
	const clock = new FakeClock();
	const directory = new Directory(clock, `${profile}.example`);
	let tenant: EntraTenant;
	let admin: ScimClient;
	const staff: DirectoryUser[] = [];
	let engineering = "";
	let sales = "";
	const replace = flag ? "replace" : "Replace";
	const add = flag ? "add" : "Add";
	const rosterId = (user: DirectoryUser) => {
		const id = tenant.rosterUserId(user.id);
		if (!id) throw new Error(`${user.userPrincipalName} was not provisioned`);
		return id;
	};
	const staffAt = (index: number) => {
		const user = staff[index];
		if (!user) throw new Error(`no staff ${index}`);
		return user;
	};
	const deprovisioned: DirectoryUser[] = [];
	const snapshots = new Map<string, JsonObject>();

	beforeAll(async () => {
		const connection = await roster.connect(profile, "entra");
		admin = connection.admin;
		tenant = new EntraTenant({
			flag,
			directory,
			clock,
			baseUrl: SCIM_BASE,
			token: connection.token,
			fetch: roster.fetch,
		});
	});

	it("Test Connection: a random userName lookup answers an empty ListResponse; GETs carry no SCIM Accept", async () => {
		await tenant.testConnection();
		const lookup = tenant.http.exchanges[0];
		expect(lookup?.path).toMatch(
			flag ? /filter=userName%20eq%20%22.*aadOptscim062020$/ : /filter=userName\+eq\+%22/,
		);
		expect(lookup?.requestHeaders.Accept).toBeUndefined();
		expect(lookup?.responseHeaders.get("content-type")).toMatch(/^application\/scim\+json/);
	});

	it("initial cycle: 20 hires are looked up, POSTed (201 + id), get their manager by PATCH, and groups get members in batches", async () => {
		for (let i = 0; i < 20; i++) {
			const manager = i === 0 ? undefined : i < 5 ? staff[0] : staff[1 + (i % 4)];
			staff.push(
				directory.hire({
					givenName: FIRST[i % FIRST.length] as string,
					surname: `${LAST[i % LAST.length]}${i}`,
					department: DEPARTMENTS[i % DEPARTMENTS.length] as string,
					employeeId: `E${1000 + i}`,
					...(i % 3 === 0 ? { jobTitle: "Engineer" } : {}),
					...(manager ? { managerId: manager.id } : {}),
				}),
			);
		}
		engineering = directory.createGroup(
			"Engineering",
			staff.slice(0, 10).map((user) => user.id),
		).id;
		sales = directory.createGroup(
			"Sales",
			staff.slice(10, 16).map((user) => user.id),
		).id;
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const sent = since(tenant, mark);
		const posts = sent.filter((exchange) => exchange.method === "POST" && exchange.path.startsWith("/Users"));
		expect(posts).toHaveLength(20);
		for (const post of posts) {
			expect(post.requestHeaders["Content-Type"]).toBe("application/scim+json; charset=utf-8");
			expect(post.responseHeaders.get("location")).toBe(`${SCIM_BASE}/Users/${post.body?.id}`);
		}
		const managerPatches = sent.filter(
			(exchange) => exchange.method === "PATCH" && JSON.stringify(exchange.requestBody).includes(":manager"),
		);
		expect(managerPatches).toHaveLength(19);
		expect(operations(managerPatches[0] as Exchange)[0]).toMatchObject({
			op: add,
			path: `${ENTERPRISE}:manager`,
		});
		const groupLookup = sent.find((exchange) => exchange.path.startsWith("/Groups?"));
		expect(groupLookup?.path).toContain("excludedAttributes=members");
		const memberPatches = sent.filter(
			(exchange) => exchange.method === "PATCH" && exchange.path.startsWith("/Groups/"),
		);
		expect(memberPatches.length).toBeGreaterThanOrEqual(2);
		expect(operations(memberPatches[0] as Exchange)).toHaveLength(2);

		const list = await read(admin, "/Users?startIndex=1&count=100");
		expect(list.totalResults).toBe(20);
		const worker = await read(admin, `/Users/${rosterId(staffAt(7))}`);
		expect(worker).toMatchObject({
			userName: staffAt(7).userPrincipalName,
			externalId: staffAt(7).mailNickname,
			active: true,
			emails: [{ type: "work", value: staffAt(7).mail, primary: true }],
			[ENTERPRISE]: {
				department: staffAt(7).department,
				employeeNumber: "E1007",
				manager: { value: rosterId(staffAt(4)) },
			},
		});
		expect(await memberIdsOf(admin, tenant.rosterGroupId(engineering) as string)).toEqual(
			staff.slice(0, 10).map(rosterId).sort(),
		);
		expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toEqual(
			staff.slice(10, 16).map(rosterId).sort(),
		);
		const actions = await roster.auditActions(profile);
		expect(actions.filter((event) => event.action === "SCIM_USER_PROVISIONED")).toHaveLength(20);
		expect(actions.filter((event) => event.action === "SCIM_GROUP_PROVISIONED")).toHaveLength(2);
	});

	it("an incremental cycle with no directory change sends nothing", async () => {
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		expect(since(tenant, mark)).toEqual([]);
	});

	it("profile updates: legacy sends one Replace/Add per attribute, the flag one path-less replace with dotted/URN keys", async () => {
		const user = staffAt(3);
		const mail = `pvlo.${user.mailNickname}@${profile}.example`;
		directory.updateProfile(user.id, {
			displayName: "Pvlo Bcwqnm",
			mail,
			givenName: "Pvlo",
			surname: "Bcwqnm",
			mailNickname: "Eqpj",
			employeeId: "E9003",
		});
		directory.updateProfile(staffAt(4).id, { jobTitle: "Staff Engineer" });
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const [multi, single] = since(tenant, mark);
		const ops = operations(multi as Exchange);
		if (flag) {
			expect(ops).toEqual([
				{ op: "replace", path: 'emails[type eq "work"].value', value: mail },
				{
					op: "replace",
					value: {
						displayName: "Pvlo Bcwqnm",
						"name.givenName": "Pvlo",
						"name.familyName": "Bcwqnm",
						externalId: "Eqpj",
						[`${ENTERPRISE}:employeeNumber`]: "E9003",
					},
				},
			]);
		} else {
			expect(ops.map((op) => [op.op, op.path])).toEqual([
				["Replace", "displayName"],
				["Replace", 'emails[type eq "work"].value'],
				["Replace", "name.givenName"],
				["Replace", "name.familyName"],
				["Replace", "externalId"],
				["Replace", `${ENTERPRISE}:employeeNumber`],
			]);
		}
		expect(operations(single as Exchange)).toEqual([{ op: add, path: "title", value: "Staff Engineer" }]);
		expect(multi?.status).toBe(200);
		expect(await read(admin, `/Users/${rosterId(user)}`)).toMatchObject({
			displayName: "Pvlo Bcwqnm",
			externalId: "Eqpj",
			name: { givenName: "Pvlo", familyName: "Bcwqnm" },
			emails: [{ type: "work", value: mail }],
			[ENTERPRISE]: { employeeNumber: "E9003", department: user.department },
		});
		expect(await read(admin, `/Users/${rosterId(staffAt(4))}`)).toMatchObject({ title: "Staff Engineer" });
		const byExternalId = await read(admin, `/Users?filter=${encodeURIComponent('externalId eq "Eqpj"')}`);
		expect(byExternalId.totalResults).toBe(1);
		const wrongCase = await read(admin, `/Users?filter=${encodeURIComponent('externalId eq "eqpj"')}`);
		expect(wrongCase.totalResults).toBe(0);
	});

	it("manager: a new manager is PATCHed as an URN path value, a cleared one removed with manager[value eq]", async () => {
		directory.updateProfile(staffAt(9).id, { managerId: staffAt(6).id });
		const formerManager = tenant.rosterUserId(staffAt(8).managerId as string);
		directory.clearAttribute(staffAt(8).id, "managerId");
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const bodies = since(tenant, mark).map(operations);
		expect(bodies).toContainEqual([{ op: add, path: `${ENTERPRISE}:manager`, value: rosterId(staffAt(6)) }]);
		expect(bodies).toContainEqual([
			{ op: flag ? "remove" : "Remove", path: `manager[value eq "${formerManager}"]` },
		]);
		const moved = await read(admin, `/Users/${rosterId(staffAt(9))}`);
		expect((moved[ENTERPRISE] as JsonObject).manager).toMatchObject({ value: rosterId(staffAt(6)) });
		const cleared = await read(admin, `/Users/${rosterId(staffAt(8))}`);
		expect((cleared[ENTERPRISE] as JsonObject | undefined)?.manager).toBeUndefined();
	});

	it("moving members: removals use Remove+value (legacy) or members[value eq] (flag); each group keeps exactly the others", async () => {
		const movers = staff.slice(7, 10).map((user) => user.id);
		directory.removeMembers(engineering, movers);
		directory.addMembers(sales, movers);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const removal = since(tenant, mark).find(
			(exchange) =>
				JSON.stringify(exchange.requestBody).includes('"remove') ||
				JSON.stringify(exchange.requestBody).includes('"Remove'),
		);
		const first = operations(removal as Exchange)[0];
		if (flag) expect(first?.path).toMatch(/^members\[value eq "/);
		else {
			expect(first).toMatchObject({ op: "Remove", path: "members" });
			expect(first?.value).toEqual(staff.slice(7, 10).map((user) => ({ $ref: null, value: rosterId(user) })));
		}
		expect(await memberIdsOf(admin, tenant.rosterGroupId(engineering) as string)).toEqual(
			staff.slice(0, 7).map(rosterId).sort(),
		);
		expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toEqual(
			staff.slice(7, 16).map(rosterId).sort(),
		);
		for (const group of [engineering, sales]) {
			const events = await roster.auditActions(profile, tenant.rosterGroupId(group));
			expect(events.map((event) => event.action)).toContain("SCIM_GROUP_SYNCED");
		}
	});

	it("deactivation (sign-in blocked, unassigned, soft-deleted) PATCHes active False/false; users stay readable; one SCIM_USER_DEPROVISIONED each", async () => {
		const [blocked, unassigned, softDeleted] = [staffAt(10), staffAt(16), staffAt(17)];
		for (const user of [blocked, unassigned, softDeleted]) {
			deprovisioned.push(user);
			snapshots.set(user.id, await read(admin, `/Users/${rosterId(user)}`));
		}
		directory.disable(blocked.id);
		directory.unassign(unassigned.id);
		directory.softDelete(softDeleted.id);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const sent = since(tenant, mark);
		expect(sent.map(operations)).toEqual(
			Array(3).fill([{ op: replace, path: "active", value: flag ? false : "False" }]),
		);
		for (const user of deprovisioned) {
			const id = rosterId(user);
			expect(await read(admin, `/Users/${id}`)).toMatchObject({ id, active: false });
			const found = await read(
				admin,
				`/Users?filter=${encodeURIComponent(`userName eq "${user.userPrincipalName}"`)}`,
			);
			expect(found).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });
			const events = await roster.auditActions(profile, id);
			expect(events.filter((event) => event.action === "SCIM_USER_DEPROVISIONED")).toHaveLength(1);
		}
		const page = await read(admin, "/Users?startIndex=1&count=100");
		expect((page.Resources as JsonObject[]).filter((user) => user.active === false)).toHaveLength(3);
		expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toContain(rosterId(blocked));
	});

	it("reactivation keeps the id, externalId, attributes and memberships", async () => {
		const [blocked, unassigned, softDeleted] = deprovisioned as [DirectoryUser, DirectoryUser, DirectoryUser];
		directory.enable(blocked.id);
		directory.assign(unassigned.id);
		directory.restore(softDeleted.id);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		expect(since(tenant, mark).map(operations)).toEqual(
			Array(3).fill([{ op: replace, path: "active", value: flag ? true : "True" }]),
		);
		for (const user of deprovisioned) {
			const now = await read(admin, `/Users/${rosterId(user)}`);
			const { meta: _before, ...before } = snapshots.get(user.id) as JsonObject;
			const { meta: _after, ...after } = now;
			expect(after).toEqual(before);
			const events = await roster.auditActions(profile, rosterId(user));
			expect(events.filter((event) => event.action === "SCIM_USER_REACTIVATED")).toHaveLength(1);
		}
		expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).toContain(rosterId(blocked));
	});

	it("delete: a purge and a soft delete past 30 days send DELETE → 204; then GET and DELETE are 404 and memberships are gone", async () => {
		const purged = staffAt(15);
		const expired = staffAt(19);
		const purgedId = rosterId(purged);
		const expiredId = rosterId(expired);
		directory.purge(purged.id);
		directory.softDelete(expired.id);
		expect(await tenant.cycle()).toEqual([]);
		expect((await admin("GET", `/Users/${expiredId}`)).status).toBe(200);
		clock.advance(30 * DAY);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const deletes = since(tenant, mark).filter((exchange) => exchange.method === "DELETE");
		expect(deletes.map((exchange) => [exchange.status, exchange.text])).toEqual([[204, ""]]);
		for (const id of [purgedId, expiredId]) {
			const gone = await admin("GET", `/Users/${id}`);
			expect(gone.status).toBe(404);
			expect(gone.body).toMatchObject({
				schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
				status: "404",
			});
			expect((await admin("DELETE", `/Users/${id}`)).status).toBe(404);
			const events = await roster.auditActions(profile, id);
			expect(events.filter((event) => event.action === "SCIM_USER_DELETED")).toHaveLength(1);
		}
		expect(await memberIdsOf(admin, tenant.rosterGroupId(sales) as string)).not.toContain(purgedId);
	});

	it("group rename is a Replace displayName PATCH; group delete is DELETE → 204, then 404", async () => {
		directory.renameGroup(sales, "Sales EMEA");
		const salesId = tenant.rosterGroupId(sales) as string;
		const engineeringId = tenant.rosterGroupId(engineering) as string;
		directory.deleteGroup(engineering);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const sent = since(tenant, mark);
		expect(sent.find((exchange) => exchange.method === "PATCH")?.requestBody).toMatchObject({
			Operations: [{ op: replace, path: "displayName", value: "Sales EMEA" }],
		});
		expect(await read(admin, `/Groups/${salesId}`)).toMatchObject({ displayName: "Sales EMEA" });
		const found = await read(
			admin,
			`/Groups?filter=${encodeURIComponent('displayName eq "Sales EMEA"')}&excludedAttributes=members`,
		);
		expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: salesId }] });
		expect((found.Resources as JsonObject[])[0]).not.toHaveProperty("members");
		expect((await admin("GET", `/Groups/${engineeringId}`)).status).toBe(404);
		const events = await roster.auditActions(profile, engineeringId);
		expect(events.map((event) => event.action)).toContain("SCIM_GROUP_DELETED");
	});

	it("a 404 on a cached id is InvalidAnchor: recorded once and never retried or looked up again", async () => {
		const user = staffAt(12);
		const id = rosterId(user);
		expect((await admin("DELETE", `/Users/${id}`)).status).toBe(204);
		directory.updateProfile(user.id, { department: "Legal" });
		const events = await tenant.cycle();
		expect(events.map((event) => [event.code, event.objectId])).toEqual([["InvalidAnchor", user.id]]);
		directory.updateProfile(user.id, { department: "Finance" });
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		expect(since(tenant, mark)).toEqual([]);
	});

	it("a hire whose userName already exists (other case) is matched by the lookup, never created twice", async () => {
		const hire = directory.hire(
			{ givenName: "Katherine", surname: "Johnson", department: "Research" },
			{ assign: false },
		);
		const existing = await admin("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: hire.userPrincipalName.toUpperCase(),
		});
		expect(existing.status).toBe(201);
		directory.assign(hire.id);
		const mark = tenant.http.exchanges.length;
		expect(await tenant.cycle()).toEqual([]);
		const sent = since(tenant, mark);
		expect(sent.filter((exchange) => exchange.method === "POST")).toEqual([]);
		expect(tenant.rosterUserId(hire.id)).toBe(existing.body?.id);
		expect(await read(admin, `/Users/${existing.body?.id}`)).toMatchObject({
			[ENTERPRISE]: { department: "Research" },
			emails: [{ type: "work", value: hire.mail }],
		});
	});
});
