import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditOf, entraGroup, GROUP_SCHEMA, memberRows, patchOf, seedUsers } from "./groups.fixtures.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

const q = (filter: string) => encodeURIComponent(filter);

async function newUser(userName: string, displayName?: string): Promise<string> {
	const res = await h.scim("POST", "/Users", { userName, ...(displayName ? { displayName } : {}) });
	expect(res.status).toBe(201);
	return res.body?.id as string;
}

async function newGroup(displayName: string, members: string[] = []): Promise<string> {
	const res = await h.scim("POST", "/Groups", {
		schemas: [GROUP_SCHEMA],
		displayName,
		members: members.map((value) => ({ value })),
	});
	expect(res.status).toBe(201);
	return res.body?.id as string;
}

async function memberValues(groupId: string): Promise<string[]> {
	const res = await h.scim("GET", `/Groups/${groupId}`);
	return ((res.body?.members ?? []) as { value: string }[]).map((m) => m.value).sort();
}

describe("POST /Groups", () => {
	it("Entra create: 201, Location, ETag, members: [], meta; the audit event is recorded", async () => {
		const res = await h.scim(
			"POST",
			"/Groups",
			entraGroup("Engineering", "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"),
		);
		expect(res.status).toBe(201);
		const id = res.body?.id as string;
		expect(res.headers.get("location")).toBe(`http://roster.test/scim/v2/Groups/${id}`);
		expect(res.headers.get("etag")).toBe('W/"1"');
		expect(res.headers.get("content-type")).toContain("application/scim+json");
		expect(res.body).toEqual({
			schemas: [GROUP_SCHEMA],
			id,
			externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
			displayName: "Engineering",
			members: [],
			meta: {
				resourceType: "Group",
				created: expect.any(String),
				lastModified: expect.any(String),
				location: `http://roster.test/scim/v2/Groups/${id}`,
				version: 'W/"1"',
			},
		});
		const [event] = await auditOf(h, id);
		expect(event).toEqual({
			action: "SCIM_GROUP_PROVISIONED",
			changes: {
				displayName: { old: null, new: "Engineering" },
				externalId: { old: null, new: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159" },
			},
		});
	});

	it("Okta AIW create may hold members: they become rows and come back with display, $ref and type", async () => {
		const ada = await newUser("ada@example.com", "Ada Lovelace");
		const bob = await newUser("bob@example.com");
		const res = await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "Test SCIMv2",
			members: [{ value: ada, display: "whatever Okta says" }, { value: bob, $ref: null }, { value: ada }],
		});
		expect(res.status).toBe(201);
		const id = res.body?.id as string;
		expect(await memberRows(h, id)).toEqual([ada, bob].sort());
		expect(res.body?.members).toEqual(
			expect.arrayContaining([
				{
					value: ada,
					display: "Ada Lovelace",
					$ref: `http://roster.test/scim/v2/Users/${ada}`,
					type: "User",
				},
				{
					value: bob,
					display: "bob@example.com",
					$ref: `http://roster.test/scim/v2/Users/${bob}`,
					type: "User",
				},
			]),
		);
		const [event] = await auditOf(h, id);
		expect(event?.changes.membersAdded).toEqual({ old: null, new: { count: 2, ids: expect.any(Array) } });
	});

	it.each([
		["a case-insensitive duplicate displayName", { displayName: "ENGINEERING" }],
		["a duplicate externalId", { displayName: "Other", externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159" }],
	])("rejects %s with 409 uniqueness, and Entra's lookup finds the existing group", async (_label, body) => {
		const dup = await h.scim("POST", "/Groups", { schemas: [GROUP_SCHEMA], ...body });
		expect(dup.status).toBe(409);
		expect(dup.body).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "409",
			scimType: "uniqueness",
		});
		const lookup = await h.scim(
			"GET",
			`/Groups?excludedAttributes=members&filter=${q('displayName eq "engineering"')}`,
		);
		expect(lookup.body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
	});

	it.each([
		["no displayName", { schemas: [GROUP_SCHEMA] }, "invalidValue"],
		["a blank displayName", { displayName: "  " }, "invalidValue"],
		[
			"a member that is no user",
			{ displayName: "Ghosts", members: [{ value: randomUUID() }] },
			"invalidValue",
		],
		["members that are not objects or strings", { displayName: "Odd", members: [42] }, "invalidValue"],
	])("refuses %s with 400 and creates nothing", async (_label, body, scimType) => {
		const res = await h.scim("POST", "/Groups", body);
		expect(res.status).toBe(400);
		expect(res.body?.scimType).toBe(scimType);
		const name = (body as { displayName?: string }).displayName;
		if (name?.trim()) {
			const found = await h.scim("GET", `/Groups?filter=${q(`displayName eq "${name}"`)}`);
			expect(found.body?.totalResults).toBe(0);
		}
	});
});

describe("membership PATCH (checklist #9-#14)", () => {
	it("Entra: Add members (204), Remove with value list (only those), remove members[value eq] (flag), Remove all", async () => {
		const [a, b, c] = await Promise.all([newUser("entra-a"), newUser("entra-b"), newUser("entra-c")]);
		const id = await newGroup("Entra members");
		const add = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({
				op: "Add",
				path: "members",
				value: [
					{ $ref: null, value: a },
					{ $ref: null, value: b },
					{ $ref: null, value: c },
				],
			}),
		);
		expect(add.status).toBe(204);
		expect(add.text).toBe("");
		expect(add.headers.get("etag")).toBe('W/"2"');
		expect(await memberRows(h, id)).toEqual([a, b, c].sort());

		const remove = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "Remove", path: "members", value: [{ $ref: null, value: a }] }),
		);
		expect(remove.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([b, c].sort());

		const flagged = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "remove", path: `members[value eq "${b}"]` }),
		);
		expect(flagged.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([c]);

		const all = await h.scim("PATCH", `/Groups/${id}`, patchOf({ op: "Remove", path: "members" }));
		expect(all.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([]);
		expect((await h.scim("GET", `/Groups/${id}`)).headers.get("etag")).toBe('W/"5"');
	});

	it("Okta OIN: mixed remove+add in order, path-less rename with its own id, Push Now replace, [] empties", async () => {
		const [u1, u2, u3] = await Promise.all([newUser("okta-1"), newUser("okta-2"), newUser("okta-3")]);
		const id = await newGroup("Okta group", [u1]);
		const mixed = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "remove", path: `members[value eq "${u1}"]` },
				{ op: "add", path: "members", value: [{ value: u2, display: "okta-2" }] },
				{ op: "add", path: "members", value: [{ value: u1 }] },
				{ op: "remove", path: "members", value: [{ value: u2 }] },
			),
		);
		expect(mixed.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([u1]);

		const rename = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", value: { id, displayName: "Okta group renamed" } }),
		);
		expect(rename.status).toBe(204);
		expect((await h.scim("GET", `/Groups/${id}`)).body?.displayName).toBe("Okta group renamed");

		const pushNow = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({
				op: "replace",
				path: "members",
				value: [
					{ value: u2, display: "okta-2" },
					{ value: u3, display: "okta-3" },
				],
			}),
		);
		expect(pushNow.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([u2, u3].sort());

		const empty = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", path: "members", value: [] }),
		);
		expect(empty.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([]);
	});

	it("a path-less rename naming another id is 400 mutability and changes nothing (#4)", async () => {
		const id = await newGroup("Keeps its name");
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", value: { id: randomUUID(), displayName: "Stolen" } }),
		);
		expect(res.status).toBe(400);
		expect(res.body?.scimType).toBe("mutability");
		expect((await h.scim("GET", `/Groups/${id}`)).body?.displayName).toBe("Keeps its name");
	});

	it("Entra Replace displayName renames; a rename onto another group's name is 409 uniqueness", async () => {
		const id = await newGroup("1879db59-3bdf-4490-ad68-ab880a269474");
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({
				op: "Replace",
				path: "displayName",
				value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
			}),
		);
		expect(res.status).toBe(204);
		expect((await h.scim("GET", `/Groups/${id}`)).body?.displayName).toBe(
			"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
		);
		await newGroup("Taken name");
		const clash = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", path: "displayName", value: "taken NAME" }),
		);
		expect(clash.status).toBe(409);
		expect(clash.body?.scimType).toBe("uniqueness");
	});

	it("adding an existing or duplicated member is a no-op and never creates a second row (#11)", async () => {
		const [a, b] = await Promise.all([newUser("dup-a"), newUser("dup-b")]);
		const id = await newGroup("Duplicates", [a]);
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "add", path: "members", value: [{ value: a }, { value: b }, { value: b }] },
				{ op: "add", path: "members", value: [{ value: b.toUpperCase() }] },
			),
		);
		expect(res.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([a, b].sort());
		const again = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "add", path: "members", value: [{ value: a }] }),
		);
		expect(again.status).toBe(204);
		expect(again.headers.get("etag")).toBe('W/"2"');
		const gone = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "remove", path: `members[value eq "${randomUUID()}"]` }),
		);
		expect(gone.status).toBe(204);
		expect(gone.headers.get("etag")).toBe('W/"2"');
	});

	it("200 with the projected group when the PATCH asks for attributes/excludedAttributes (#14)", async () => {
		const a = await newUser("projected-a", "Projected A");
		const id = await newGroup("Projected");
		const withMembers = await h.scim(
			"PATCH",
			`/Groups/${id}?attributes=displayName,members`,
			patchOf({ op: "add", path: "members", value: [{ value: a }] }),
		);
		expect(withMembers.status).toBe(200);
		expect(withMembers.body).toEqual({
			schemas: [GROUP_SCHEMA],
			id,
			displayName: "Projected",
			members: [
				{ value: a, display: "Projected A", $ref: `http://roster.test/scim/v2/Users/${a}`, type: "User" },
			],
		});
		const without = await h.scim(
			"PATCH",
			`/Groups/${id}?excludedAttributes=members`,
			patchOf({ op: "replace", path: "displayName", value: "Projected 2" }),
		);
		expect(without.status).toBe(200);
		expect(without.body).not.toHaveProperty("members");
		expect(without.body).toMatchObject({ displayName: "Projected 2", meta: { version: 'W/"3"' } });
		expect(without.headers.get("etag")).toBe('W/"3"');
	});
});

describe("members that are not users of this organization (decision 0050)", () => {
	it.each([
		["an unknown id", async () => randomUUID()],
		["a non-uuid id", async () => "f648f8d5ea4e4cd38e9c"],
		["a group id (no nesting)", async () => newGroup(`nested-${randomUUID()}`)],
		[
			"another organization's user",
			async () => {
				const other = h.clientFor(await h.issueToken("other-org", "idp"));
				const res = await other("POST", "/Users", { userName: `elsewhere-${randomUUID()}` });
				return res.body?.id as string;
			},
		],
		[
			"a deleted (tombstoned) user",
			async () => {
				const id = await newUser(`tomb-${randomUUID()}`);
				expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
				return id;
			},
		],
	])("adding %s is 400 invalidValue naming it, and nothing of the PATCH is applied", async (_label, make) => {
		const stranger = await make();
		const [known, kept] = await Promise.all([
			newUser(`known-${randomUUID()}`),
			newUser(`kept-${randomUUID()}`),
		]);
		const id = await newGroup(`atomic-${randomUUID()}`, [kept]);
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "replace", path: "displayName", value: "renamed?" },
				{ op: "remove", path: `members[value eq "${kept}"]` },
				{ op: "add", path: "members", value: [{ value: known }] },
				{ op: "add", path: "members", value: [{ value: stranger }] },
			),
		);
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ status: "400", scimType: "invalidValue" });
		expect(String(res.body?.detail).toLowerCase()).toContain(stranger.toLowerCase());
		const after = await h.scim("GET", `/Groups/${id}`);
		expect(after.body?.displayName).not.toBe("renamed?");
		expect(after.headers.get("etag")).toBe('W/"1"');
		expect(await memberRows(h, id)).toEqual([kept]);
		const replace = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", path: "members", value: [{ value: known }, { value: stranger }] }),
		);
		expect(replace.status).toBe(400);
		expect(await memberRows(h, id)).toEqual([kept]);
	});

	it("removing ids that are not members, or not users at all, is a no-op", async () => {
		const kept = await newUser("remove-noop");
		const id = await newGroup("Remove no-op", [kept]);
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "Remove", path: "members", value: [{ value: "not-a-uuid" }, { value: randomUUID() }] },
				{ op: "remove", path: 'members[value eq "zzz"]' },
			),
		);
		expect(res.status).toBe(204);
		expect(await memberRows(h, id)).toEqual([kept]);
	});

	it("a deleted user leaves every group; deactivated users stay members", async () => {
		const [leaving, paused] = await Promise.all([newUser("leaving"), newUser("paused")]);
		const id = await newGroup("Lifecycle", [leaving, paused]);
		await h.scim("PATCH", `/Users/${paused}`, patchOf({ op: "replace", value: { active: false } }));
		expect((await h.scim("DELETE", `/Users/${leaving}`)).status).toBe(204);
		expect(await memberValues(id)).toEqual([paused]);
	});
});

describe("PUT /Groups/{id} (Okta AIW)", () => {
	it("replaces displayName, externalId and the member set; its own GET output is accepted back", async () => {
		const [a, b, c] = await Promise.all([newUser("put-a"), newUser("put-b"), newUser("put-c")]);
		const id = await newGroup("PUT group", [a, b]);
		const { body: current } = await h.scim("GET", `/Groups/${id}`);
		const put = await h.scim("PUT", `/Groups/${id}`, {
			...current,
			externalId: "okta-00g1",
			members: [
				{ value: b, display: "put-b" },
				{ value: c, display: "put-c" },
			],
		});
		expect(put.status).toBe(200);
		expect(put.headers.get("etag")).toBe('W/"2"');
		expect(put.body).toMatchObject({ id, displayName: "PUT group", externalId: "okta-00g1" });
		expect(((put.body?.members ?? []) as { value: string }[]).map((m) => m.value).sort()).toEqual(
			[b, c].sort(),
		);
		expect(await memberRows(h, id)).toEqual([b, c].sort());
		const sync = (await auditOf(h, id)).at(-1);
		expect(sync?.action).toBe("SCIM_GROUP_SYNCED");
		expect(sync?.changes).toEqual({
			externalId: { old: null, new: "okta-00g1" },
			membersAdded: { old: null, new: { count: 1, ids: [c] } },
			membersRemoved: { old: { count: 1, ids: [a] }, new: null },
		});
	});

	it("PUT without members empties the group; a stale If-Match is 412 and writes nothing", async () => {
		const a = await newUser("put-empty");
		const id = await newGroup("PUT empty", [a]);
		const stale = await h.scim("PUT", `/Groups/${id}`, { displayName: "PUT empty" }, { "If-Match": 'W/"7"' });
		expect(stale.status).toBe(412);
		expect(await memberRows(h, id)).toEqual([a]);
		const put = await h.scim("PUT", `/Groups/${id}`, { displayName: "PUT empty" }, { "If-Match": 'W/"1"' });
		expect(put.status).toBe(200);
		expect(put.body?.members).toEqual([]);
		expect(await memberRows(h, id)).toEqual([]);
	});
});

describe("reads", () => {
	it("excludedAttributes=members drops members from GET /Groups and GET /Groups/{id} (#15)", async () => {
		const a = await newUser("reader-a");
		const id = await newGroup("Readers", [a]);
		const lookup = await h.scim(
			"GET",
			`/Groups?excludedAttributes=members&filter=${q('displayName eq "readers"')}`,
		);
		expect(lookup.body).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: "Readers" }] });
		expect(((lookup.body?.Resources ?? []) as object[]).map((group) => "members" in group)).toEqual([false]);
		const one = await h.scim("GET", `/Groups/${id}?excludedAttributes=members`);
		expect(one.body).not.toHaveProperty("members");
		expect(one.body?.displayName).toBe("Readers");
		const named = await h.scim("GET", `/Groups/${id}?attributes=displayName`);
		expect(named.body).toEqual({ schemas: [GROUP_SCHEMA], id, displayName: "Readers" });
		const full = await h.scim("GET", `/Groups/${id}`);
		expect(full.body?.members).toEqual([
			{ value: a, display: "reader-a", $ref: `http://roster.test/scim/v2/Users/${a}`, type: "User" },
		]);
	});

	it("If-None-Match with the current ETag is 304; unknown and malformed ids are SCIM 404s", async () => {
		const id = await newGroup("Cached");
		const first = await h.scim("GET", `/Groups/${id}`);
		const tag = first.headers.get("etag") ?? "";
		expect((await h.scim("GET", `/Groups/${id}`, undefined, { "If-None-Match": tag })).status).toBe(304);
		expect((await h.scim("GET", `/Groups/${id}`, undefined, { "If-None-Match": 'W/"99"' })).status).toBe(200);
		for (const missing of [randomUUID(), "not-a-uuid"]) {
			const res = await h.scim("GET", `/Groups/${missing}`);
			expect(res.status).toBe(404);
			expect(res.body).toMatchObject({
				schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
				status: "404",
			});
		}
	});

	it("filters in SQL: members[value eq], members.value, externalId (caseExact), displayName, id, meta, .search", async () => {
		const [x, y] = await Promise.all([newUser("filter-x"), newUser("filter-y")]);
		const withX = await newGroup("Filter X", [x]);
		const withBoth = await newGroup("Filter XY", [x, y]);
		const created = await h.scim("POST", "/Groups", { displayName: "Filter ext", externalId: "Ext-Case" });
		const extId = created.body?.id as string;
		const ids = async (filter: string) => {
			const res = await h.scim("GET", `/Groups?attributes=id&filter=${q(filter)}`);
			expect(res.status).toBe(200);
			return ((res.body?.Resources ?? []) as { id: string }[]).map((g) => g.id).sort();
		};
		expect(await ids(`members[value eq "${x}"]`)).toEqual([withX, withBoth].sort());
		expect(await ids(`members.value eq "${y}"`)).toEqual([withBoth]);
		expect(await ids(`members[value eq "${y}" or value eq "${x}"] and displayName sw "filter x"`)).toEqual(
			[withX, withBoth].sort(),
		);
		expect(await ids('members[value eq "not-a-uuid"]')).toEqual([]);
		expect(await ids('externalId eq "Ext-Case"')).toEqual([extId]);
		expect(await ids('externalId eq "ext-case"')).toEqual([]);
		expect(await ids('displayName eq "FILTER xy"')).toEqual([withBoth]);
		expect(await ids(`id eq "${withX}"`)).toEqual([withX]);
		expect(await ids(`displayName sw "Filter" and meta.created ge "2000-01-01T00:00:00Z"`)).toHaveLength(3);
		expect(await ids(`displayName sw "Filter" and meta.lastModified lt "2000-01-01T00:00:00Z"`)).toEqual([]);
		const search = await h.scim("POST", "/Groups/.search", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
			filter: `members[value eq "${y}"]`,
			excludedAttributes: "members",
		});
		expect(search.body).toMatchObject({ totalResults: 1, Resources: [{ id: withBoth }] });
		const bad = await h.scim("GET", `/Groups?filter=${q('members.display eq "x"')}`);
		expect(bad.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
	});

	it("Okta import pages with startIndex/count; the order is stable and counts are integers", async () => {
		for (const n of [1, 2, 3]) await newGroup(`Page ${n}`);
		const filter = q('displayName sw "Page "');
		const first = await h.scim("GET", `/Groups?filter=${filter}&startIndex=1&count=2`);
		const second = await h.scim("GET", `/Groups?filter=${filter}&startIndex=3&count=2`);
		expect(first.body).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 2 });
		expect(second.body).toMatchObject({ totalResults: 3, startIndex: 3, itemsPerPage: 1 });
		const names = [first, second].flatMap((res) => (res.body?.Resources ?? []) as { displayName: string }[]);
		expect(names.map((g) => g.displayName)).toEqual(["Page 1", "Page 2", "Page 3"]);
		const none = await h.scim("GET", `/Groups?filter=${q('displayName eq "nope"')}`);
		expect(none.body).toEqual({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
			totalResults: 0,
			startIndex: 1,
			itemsPerPage: 0,
			Resources: [],
		});
	});
});

describe("DELETE /Groups/{id}, ownership, ETags", () => {
	it("DELETE is 204 and drops the rows; then GET and DELETE are 404; the audit event counts members", async () => {
		const [a, b] = await Promise.all([newUser("del-a"), newUser("del-b")]);
		const id = await newGroup("Doomed", [a, b]);
		expect((await h.scim("DELETE", `/Groups/${id}`, undefined, { "If-Match": 'W/"0"' })).status).toBe(412);
		const res = await h.scim("DELETE", `/Groups/${id}`);
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		expect((await h.scim("GET", `/Groups/${id}`)).status).toBe(404);
		expect((await h.scim("DELETE", `/Groups/${id}`)).status).toBe(404);
		expect(await memberRows(h, id)).toEqual([]);
		expect((await h.scim("GET", `/Users/${a}`)).status).toBe(200);
		const events = await auditOf(h, id);
		expect(events.map((e) => e.action)).toEqual(["SCIM_GROUP_PROVISIONED", "SCIM_GROUP_DELETED"]);
		expect(events[1]?.changes).toMatchObject({
			displayName: { old: "Doomed", new: null },
			membersRemoved: { old: { count: 2 }, new: null },
		});
	});

	it("PATCH, PUT and DELETE of an unknown group are 404; a malformed PATCH body is a SCIM 400", async () => {
		for (const missing of [randomUUID(), "nope"]) {
			expect(
				(await h.scim("PATCH", `/Groups/${missing}`, patchOf({ op: "remove", path: "members" }))).status,
			).toBe(404);
			expect((await h.scim("PUT", `/Groups/${missing}`, { displayName: "x" })).status).toBe(404);
			expect((await h.scim("DELETE", `/Groups/${missing}`)).status).toBe(404);
		}
		const id = await newGroup("Malformed");
		for (const body of [{ Operations: "x" }, patchOf({ op: "explode", path: "members" }), "{"]) {
			const res = await h.scim("PATCH", `/Groups/${id}`, body);
			expect(res.status).toBe(400);
			expect(res.body?.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
		}
		expect((await h.scim("GET", `/Groups/${id}`)).headers.get("etag")).toBe('W/"1"');
	});

	it("a stale If-Match on PATCH is 412 and nothing is applied; a current one succeeds", async () => {
		const a = await newUser("etag-a");
		const id = await newGroup("ETags");
		const stale = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "add", path: "members", value: [{ value: a }] }),
			{ "If-Match": 'W/"2"' },
		);
		expect(stale.status).toBe(412);
		expect(await memberRows(h, id)).toEqual([]);
		const fresh = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "add", path: "members", value: [{ value: a }] }),
			{ "If-Match": 'W/"1"' },
		);
		expect(fresh.status).toBe(204);
		expect(fresh.headers.get("etag")).toBe('W/"2"');
	});

	it("another connection of the organization cannot change or delete a group it does not own", async () => {
		const id = await newGroup("Owned group");
		const other = h.clientFor(await h.issueToken("default", "second-idp"));
		const patch = await other(
			"PATCH",
			`/Groups/${id}`,
			patchOf({ op: "replace", path: "displayName", value: "x" }),
		);
		expect(patch.status).toBe(409);
		expect((await other("DELETE", `/Groups/${id}`)).status).toBe(409);
		expect((await other("GET", `/Groups/${id}`)).status).toBe(200);
		const foreign = h.clientFor(await h.issueToken("foreign-org", "idp"));
		expect((await foreign("GET", `/Groups/${id}`)).status).toBe(404);
	});

	it("the audit event of a membership PATCH carries counts and at most 100 ids each way", async () => {
		const users = await seedUsers(h, "audit-cap", 150);
		const id = await newGroup("Audit cap");
		const res = await h.scim(
			"PATCH",
			`/Groups/${id}`,
			patchOf(
				{ op: "add", path: "members", value: users.map((value) => ({ value })) },
				{ op: "remove", path: "members", value: users.slice(0, 3).map((value) => ({ value })) },
			),
		);
		expect(res.status).toBe(204);
		const sync = (await auditOf(h, id)).at(-1);
		expect(sync?.action).toBe("SCIM_GROUP_SYNCED");
		const added = sync?.changes.membersAdded?.new as { count: number; ids: string[] };
		const removed = sync?.changes.membersRemoved?.old as { count: number; ids: string[] };
		expect(added.count).toBe(150);
		expect(added.ids).toHaveLength(100);
		expect(removed).toEqual({ count: 3, ids: expect.arrayContaining(users.slice(0, 3)) });
		expect(await memberRows(h, id)).toHaveLength(147);
	});
});
