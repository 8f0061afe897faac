import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureConnection } from "../../src/connections/connections.ts";
import { scimRoutingPath } from "../../src/scim/paths.ts";
import { createScimHarness, type ScimClient, type ScimHarness } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

let h: ScimHarness;
let userId: string;
let groupId: string;

beforeAll(async () => {
	h = await createScimHarness();
	const user = await h.scim("POST", "/Users", {
		schemas: [USER_SCHEMA],
		userName: "Olivia.Employee@example.com",
		name: { givenName: "Olivia", familyName: "Employee" },
		emails: [
			{ value: "olivia@example.com", type: "work", primary: true },
			{ value: "olivia@home.example.org", type: "home" },
		],
	});
	expect(user.status).toBe(201);
	userId = user.body?.id as string;
	const group = await h.scim("POST", "/Groups", {
		schemas: [GROUP_SCHEMA],
		displayName: "Interop",
		members: [{ value: userId }],
	});
	expect(group.status).toBe(201);
	groupId = group.body?.id as string;
});
afterAll(async () => {
	await h.close();
});

const q = (text: string) => encodeURIComponent(text);
type Body = Record<string, unknown> | null;
const resources = (body: Body) => (body?.Resources ?? []) as Record<string, unknown>[];
const ids = (body: Body) => resources(body).map((resource) => resource.id);
const location = (body: Body) => (body?.meta as { location?: string } | undefined)?.location;

describe.each(["/scim/v2", "/organizations/default/scim/v2"])("endpoint names in any case on %s", (mount) => {
	let scim: ScimClient;
	const canonical = (path: string) => `http://roster.test${mount}${path}`;
	beforeAll(() => {
		scim = h.clientFor(h.token, mount);
	});

	it("creates, reads and searches /users and /USERS/{id}, answering with canonical locations", async () => {
		const created = await scim("POST", "/users", {
			schemas: [USER_SCHEMA],
			userName: `lower${mount.length}`,
		});
		expect(created.status).toBe(201);
		const id = created.body?.id as string;
		expect(created.headers.get("location")).toBe(canonical(`/Users/${id}`));
		const read = await scim("GET", `/USERS/${id}`);
		expect(read.status).toBe(200);
		expect(location(read.body)).toBe(canonical(`/Users/${id}`));
		const listed = await scim("GET", `/users?filter=${q(`userName eq "lower${mount.length}"`)}`);
		expect(ids(listed.body)).toEqual([id]);
		const searched = await scim("POST", "/uSeRs/.SEARCH", { filter: `userName eq "lower${mount.length}"` });
		expect(ids(searched.body)).toEqual([id]);
		expect((await scim("DELETE", `/users/${id}`)).status).toBe(204);
	});

	it("serves /groups, /bulk and the discovery endpoints in lower case", async () => {
		const group = await scim("GET", `/groups/${groupId}`);
		expect(group.status).toBe(200);
		expect(location(group.body)).toBe(canonical(`/Groups/${groupId}`));
		expect(ids((await scim("GET", `/GROUPS?filter=${q('displayName eq "Interop"')}`)).body)).toEqual([
			groupId,
		]);
		const bulk = await scim("POST", "/bulk", {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
			Operations: [
				{
					method: "PATCH",
					path: `/groups/${groupId}`,
					data: {
						schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
						Operations: [{ op: "replace", path: "displayName", value: "Interop" }],
					},
				},
			],
		});
		expect(bulk.status).toBe(200);
		const spc = await scim("GET", "/serviceproviderconfig");
		expect(spc.status).toBe(200);
		expect(location(spc.body)).toBe(canonical("/ServiceProviderConfig"));
		expect((await scim("GET", "/resourcetypes")).body?.totalResults).toBe(2);
		expect((await scim("GET", "/RESOURCETYPES/user")).body?.endpoint).toBe("/Users");
		expect((await scim("GET", "/schemas")).status).toBe(200);
		expect((await scim("GET", `/schemas/${USER_SCHEMA}`)).body?.id).toBe(USER_SCHEMA);
	});

	it("keeps ids as written and unknown endpoints a SCIM 404", async () => {
		const missing = await scim("GET", "/Userz");
		expect(missing.status).toBe(404);
		expect(missing.body?.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
		expect((await scim("GET", "/Users/.search")).status).toBe(404);
	});
});

describe("the SCIM routing path", () => {
	it.each([
		["/scim/v2/users/", "/scim/v2/Users"],
		["/scim/v2/USERS/AbC-1//", "/scim/v2/Users/AbC-1"],
		["/scim/v2/groups/.Search", "/scim/v2/Groups/.search"],
		["/scim/v2/.SEARCH", "/scim/v2/.search"],
		["/organizations/Acme/scim/v2/resourcetypes/user", "/organizations/Acme/scim/v2/ResourceTypes/user"],
		[
			"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:user",
			"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:user",
		],
		["/scim/v2/", "/scim/v2/"],
		["/scim/v2", "/scim/v2"],
		["/SCIM/v2/users", "/SCIM/v2/users"],
		["/api/v1/users/", "/api/v1/users/"],
		["/trpc/users.list", "/trpc/users.list"],
	])("routes %s as %s", (path, routed) => {
		expect(scimRoutingPath(path)).toBe(routed);
	});
});

describe("a trailing slash", () => {
	it("is accepted on lists, searches and single resources", async () => {
		const filtered = await h.scim("GET", `/Users/?filter=${q('userName eq "olivia.employee@example.com"')}`);
		expect(filtered.status).toBe(200);
		expect(ids(filtered.body)).toEqual([userId]);
		expect((await h.scim("GET", "/Users/")).body?.totalResults).toBe(1);
		expect((await h.scim("GET", `/Groups/${groupId}/`)).body?.id).toBe(groupId);
		expect((await h.scim("GET", `/users/${userId}/`)).body?.id).toBe(userId);
		expect((await h.scim("POST", "/Groups/.search/", {})).body?.totalResults).toBe(1);
		const patched = await h.scim("PATCH", `/Users/${userId}/`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "title", value: "Tester" }],
		});
		expect(patched.status).toBe(200);
		expect((await h.scim("GET", "/ServiceProviderConfig/")).status).toBe(200);
	});
});

describe("unquoted filter values", () => {
	it.each([
		"userName sw O",
		"name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)",
		"meta.created gt 2015-10-10T14:38:21.8617979-07:00",
		'meta.created gt "2015-10-10T14:38:21.8617979-07:00"',
		"emails[type eq work and value ew example.com]",
	])("%s finds the user", async (filter) => {
		const res = await h.scim("GET", `/Users?filter=${q(filter)}`);
		expect(res.status).toBe(200);
		expect(ids(res.body)).toEqual([userId]);
	});

	it("keep true, false, null and numbers as such", async () => {
		expect((await h.scim("GET", `/Users?filter=${q("active eq true")}`)).body?.totalResults).toBe(1);
		expect((await h.scim("GET", `/Users?filter=${q("active eq false")}`)).body?.totalResults).toBe(0);
		expect((await h.scim("GET", `/Users?filter=${q("nickName eq null")}`)).body?.totalResults).toBe(1);
		const typed = await h.scim("GET", `/Users?filter=${q("userName eq 42")}`);
		expect(typed.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
	});

	it("with a NUL or other control character answer 400, not the database's 500 (pnpm fuzz case 31306)", async () => {
		for (const filter of ["addresses.country eq 125\u0000683460", "phoneNumbers[type ne 5\u00009]"]) {
			const res = await h.scim("GET", `/Users?filter=${q(filter)}`);
			expect(res.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
		}
	});

	it("are read the same way in /.search bodies and at the root", async () => {
		expect(ids((await h.scim("POST", "/Users/.search", { filter: "userName sw O" })).body)).toEqual([userId]);
		expect(ids((await h.scim("POST", "/.search", { filter: "displayName eq Interop" })).body)).toEqual([
			groupId,
		]);
	});
});

describe("attributes with a value filter", () => {
	it("returns only the matching values, on a single user and in lists", async () => {
		const work = [{ value: "olivia@example.com", type: "work", primary: true }];
		const one = await h.scim("GET", `/Users/${userId}?attributes=${q('emails[type eq "work"]')}`);
		expect(one.status).toBe(200);
		expect(one.body).toEqual({ schemas: [USER_SCHEMA], id: userId, emails: work });
		const list = await h.scim("GET", `/Users?attributes=${q('emails[type eq "work"],userName')}`);
		expect(list.status).toBe(200);
		expect(resources(list.body)[0]).toEqual({
			schemas: [USER_SCHEMA],
			id: userId,
			userName: "Olivia.Employee@example.com",
			emails: work,
		});
		const group = await h.scim("GET", `/Groups/${groupId}?attributes=${q(`members[value eq "${userId}"]`)}`);
		expect(((group.body?.members ?? []) as { value: string }[]).map((member) => member.value)).toEqual([
			userId,
		]);
	});

	it("answers 400 for a value filter that does not fit the attribute", async () => {
		const res = await h.scim("GET", `/Users/${userId}?attributes=${q("emails[nope eq 1]")}`);
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
	});
});

describe("attributes on Users, as on Groups", () => {
	it("a URN-qualified groups keeps the groups in list results", async () => {
		const urn = `${USER_SCHEMA}:groups`;
		for (const attributes of [urn, `userName,${urn}`, urn.toUpperCase(), `${urn}.value`]) {
			const res = await h.scim("GET", `/Users?attributes=${q(attributes)}`);
			const groups = resources(res.body)[0]?.groups as { value: string }[] | undefined;
			expect(groups?.map((group) => group.value)).toEqual([groupId]);
		}
		const lookup = await h.scim(
			"GET",
			`/Users?filter=${q('userName eq "olivia.employee@example.com"')}&attributes=${q(urn)}`,
		);
		expect(resources(lookup.body)[0]?.groups).toHaveLength(1);
		const excluded = await h.scim("GET", `/Users?excludedAttributes=${q("groups.display")}`);
		expect(resources(excluded.body)[0]?.groups).toEqual([expect.objectContaining({ value: groupId })]);
	});

	it.each(["attributes", "ATTRIBUTES", "Attributes"])(
		"reads %s=USERNAME on every Users answer",
		async (name) => {
			const only = { schemas: [USER_SCHEMA], id: userId, userName: "Olivia.Employee@example.com" };
			expect((await h.scim("GET", `/Users/${userId}?${name}=USERNAME`)).body).toEqual(only);
			expect((await h.scim("GET", `/Users?${name}=USERNAME`)).body?.Resources).toEqual([only]);
			const patched = await h.scim("PATCH", `/Users/${userId}?${name}=userName`, {
				schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				Operations: [{ op: "replace", path: "title", value: name }],
			});
			expect(patched.body).toEqual(only);
			const group = await h.scim("GET", `/Groups/${groupId}?${name}=DISPLAYNAME`);
			expect(group.body).toEqual({ schemas: [GROUP_SCHEMA], id: groupId, displayName: "Interop" });
		},
	);

	it("reads excludedAttributes in any case on a single user", async () => {
		const res = await h.scim("GET", `/Users/${userId}?EXCLUDEDATTRIBUTES=emails,Meta`);
		expect(res.body?.emails).toBeUndefined();
		expect(res.body?.meta).toBeUndefined();
		expect(res.body?.userName).toBe("Olivia.Employee@example.com");
	});
});

describe("a connection in strict mode", () => {
	let strict: ScimClient;
	beforeAll(async () => {
		strict = h.clientFor(await h.issueToken("default", "strict-client"));
		await h.db.db.transaction((tx) =>
			configureConnection(tx, {
				organization: h.organization,
				connectionName: "strict-client",
				change: { compatibility: "strict" },
				actor: "test",
			}),
		);
	});

	it("refuses unquoted filter values and value filters in attributes with a SCIM 400", async () => {
		const bare = await strict("GET", `/Users?filter=${q("userName sw O")}`);
		expect(bare.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
		const searched = await strict("POST", "/Users/.search", { filter: "userName sw O" });
		expect(searched.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
		const listed = await strict("GET", `/Users?attributes=${q('emails[type eq "work"]')}`);
		expect(listed.body).toMatchObject({ status: "400", scimType: "invalidPath" });
		const single = await strict("GET", `/Groups/${groupId}?attributes=${q("members[value pr]")}`);
		expect(single.body).toMatchObject({ status: "400", scimType: "invalidPath" });
	});

	it("still routes endpoint names in any case and trailing slashes, and reads the RFC grammar", async () => {
		const res = await strict("GET", `/users/?filter=${q('userName sw "O"')}&attributes=userName`);
		expect(res.status).toBe(200);
		expect(ids(res.body)).toEqual([userId]);
	});

	it("leaves other connections liberal", async () => {
		expect((await h.scim("GET", `/Users?filter=${q("userName sw O")}`)).status).toBe(200);
	});
});
