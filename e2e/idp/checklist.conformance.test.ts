import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient } from "../../apps/server/test/scim/harness.ts";
import type { JsonObject } from "./http.ts";
import { OKTA_USER_AGENT } from "./okta.ts";
import { type RosterUnderTest, startRoster } from "./roster.fixture.ts";
import { ENTERPRISE } from "./urns.ts";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

let roster: RosterUnderTest;
let scim: ScimClient;
beforeAll(async () => {
	roster = await startRoster();
	scim = (await roster.connect("checklist", "entra")).admin;
});
afterAll(async () => {
	await roster.close();
});

let sequence = 0;
async function newUser(extra: JsonObject = {}): Promise<JsonObject & { id: string }> {
	sequence++;
	const res = await scim("POST", "/Users", {
		schemas: [USER],
		userName: `check${sequence}@example.com`,
		...extra,
	});
	expect(res.status, res.text).toBe(201);
	return res.body as JsonObject & { id: string };
}

async function newGroup(displayName: string, members: string[] = []): Promise<string> {
	const res = await scim("POST", "/Groups", {
		schemas: [GROUP],
		displayName,
		members: members.map((value) => ({ value })),
	});
	expect(res.status, res.text).toBe(201);
	return res.body?.id as string;
}

/** The JSON body of an answer that must have one. */
function bodyOf(reply: { body: JsonObject | null; text: string }): JsonObject {
	expect(reply.body, reply.text).not.toBeNull();
	return reply.body as JsonObject;
}

function patch(...Operations: JsonObject[]) {
	return { schemas: [PATCH], Operations };
}

async function members(groupId: string): Promise<string[]> {
	const res = await scim("GET", `/Groups/${groupId}`);
	return ((res.body?.members as { value: string }[] | undefined) ?? []).map((member) => member.value).sort();
}

describe("README §4 checklist items not driven by the lifecycles", () => {
	it('#2 booleans accept "True"/"False" in any case in POST, PUT and PATCH; output is a JSON boolean', async () => {
		const user = await newUser({ active: "False" });
		expect(user.active).toBe(false);
		const put = await scim("PUT", `/Users/${user.id}`, {
			schemas: [USER],
			userName: user.userName,
			active: "TRUE",
		});
		expect(put.body?.active).toBe(true);
		const patched = await scim(
			"PATCH",
			`/Users/${user.id}`,
			patch({ op: "replace", path: "active", value: "false" }),
		);
		expect(patched.body?.active).toBe(false);
	});

	it("#5 a filtered path updates the match or creates it, never noTarget", async () => {
		const user = await newUser();
		const res = await scim(
			"PATCH",
			`/Users/${user.id}`,
			patch(
				{ op: "Replace", path: 'emails[type eq "work"].value', value: "new@example.com" },
				{ op: "Replace", path: 'addresses[type eq "work"].postalCode', value: "98052" },
			),
		);
		expect(res.status, res.text).toBe(200);
		expect(res.body).toMatchObject({
			emails: [{ type: "work", value: "new@example.com" }],
			addresses: [{ type: "work", postalCode: "98052" }],
		});
	});

	it("#6 #7 URN paths work in PATCH, filter and attributes=; manager is accepted as string or {value} and returned as an object", async () => {
		const boss = await newUser();
		const user = await newUser({
			schemas: [USER, ENTERPRISE],
			[ENTERPRISE]: { manager: boss.id, department: "Ops" },
		});
		expect((user[ENTERPRISE] as JsonObject).manager).toMatchObject({ value: boss.id });
		const other = await newUser();
		await scim(
			"PATCH",
			`/Users/${other.id}`,
			patch({ op: "Add", path: `${ENTERPRISE}:manager.value`, value: boss.id }),
		);
		const viaRef = await newUser();
		const res = await scim(
			"PATCH",
			`/Users/${viaRef.id}`,
			patch({ op: "add", path: "manager", value: [{ $ref: null, value: boss.id }] }),
		);
		expect(res.status, res.text).toBe(200);
		const filter = encodeURIComponent(`${ENTERPRISE}:manager.value eq "${boss.id}"`);
		const found = await scim("GET", `/Users?filter=${filter}&attributes=${ENTERPRISE}:manager`);
		expect(found.body?.totalResults).toBe(3);
		for (const resource of bodyOf(found).Resources as JsonObject[]) {
			expect((resource[ENTERPRISE] as JsonObject).manager).toMatchObject({ value: boss.id });
			expect(resource).not.toHaveProperty("userName");
		}
		const byDepartment = await scim(
			"GET",
			`/Users?filter=${encodeURIComponent(`${ENTERPRISE}:department eq "Ops"`)}`,
		);
		expect(byDepartment.body?.totalResults).toBe(1);
	});

	it("#8 #31 add on a single-valued attribute replaces it; attribute names are case-insensitive, values stored as sent", async () => {
		const user = await newUser({ displayName: "Old", name: { familyName: "Old" } });
		const res = await scim(
			"PATCH",
			`/Users/${user.id}`,
			patch(
				{ op: "Add", path: "displayName", value: "New Name" },
				{ op: "Replace", path: "name.FamilyName", value: "McNew" },
				{ op: "Add", path: 'emails[type eq "other"].Value', value: "Other@Example.com" },
			),
		);
		expect(res.body).toMatchObject({
			displayName: "New Name",
			name: { familyName: "McNew" },
			emails: [{ type: "other", value: "Other@Example.com" }],
		});
	});

	it("#14 userPatchResponse=204 is honoured for users", async () => {
		const user = await newUser();
		await roster.configure("checklist", { userPatchResponse: "204" });
		try {
			const res = await scim(
				"PATCH",
				`/Users/${user.id}`,
				patch({ op: "replace", path: "displayName", value: "X" }),
			);
			expect([res.status, res.text]).toEqual([204, ""]);
		} finally {
			await roster.configure("checklist", {});
		}
	});

	it("#16 #17 #20 filters: userName (any case), externalId, id, displayName, emails.value, emails[type eq work].value, and; + or %20; no match is 200", async () => {
		const user = await newUser({
			externalId: "Ext-16",
			displayName: "Filter Target",
			emails: [{ type: "work", value: "filter.target@example.com" }],
		});
		const expressions = [
			`userName eq "${String(user.userName).toUpperCase()}"`,
			'externalId eq "Ext-16"',
			`id eq "${user.id}"`,
			'displayName eq "Filter Target"',
			'emails.value eq "filter.target@example.com"',
			'emails[type eq "work"].value eq "filter.target@example.com"',
			`userName eq "${user.userName}" and externalId eq "Ext-16"`,
		];
		for (const expression of expressions) {
			for (const space of ["+", "%20"]) {
				const encoded = encodeURIComponent(expression).replaceAll("%20", space);
				const res = await scim("GET", `/Users?filter=${encoded}&aadOptscim062020&_=${Date.now()}`);
				expect(res.body, expression).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
			}
		}
		const none = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
		expect([none.status, none.body?.totalResults, none.body?.Resources]).toEqual([200, 0, []]);
	});

	it("#18 #19 startIndex below 1 counts as 1; count is honoured; pages never repeat or skip", async () => {
		const zero = await scim("GET", "/Users?startIndex=0&count=1");
		expect(zero.body).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
		const all = await scim("GET", "/Users?startIndex=1&count=1000");
		const total = all.body?.totalResults as number;
		const seen: string[] = [];
		for (let start = 1; start <= total; start += 2) {
			const page = await scim("GET", `/Users?startIndex=${start}&count=2`);
			seen.push(...(bodyOf(page).Resources as JsonObject[]).map((resource) => resource.id as string));
		}
		expect(seen).toEqual((bodyOf(all).Resources as JsonObject[]).map((resource) => resource.id));
	});

	it("#21 #22 unknown id → 404 SCIM error; duplicate userName → 409 uniqueness", async () => {
		const missing = await scim("GET", "/Users/7f4bc1a3-285e-48ae-8202-5accb43efb0e");
		expect(missing.body).toMatchObject({ schemas: [ERROR], status: "404", detail: expect.any(String) });
		const user = await newUser();
		const dup = await scim("POST", "/Users", {
			schemas: [USER],
			userName: String(user.userName).toUpperCase(),
		});
		expect(dup.body).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });
	});

	it("#23 a missing or bad token → 401 SCIM error with WWW-Authenticate: Bearer", async () => {
		for (const client of [roster.harness.clientFor(""), roster.harness.clientFor("not-a-token")]) {
			const res = await client("GET", "/Users");
			expect(res.status).toBe(401);
			expect(res.body).toMatchObject({ schemas: [ERROR], status: "401", detail: expect.any(String) });
			expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
		}
	});

	it("#24 #25 application/json bodies and no Accept are fine; POST → 201, Location and meta.location; answers are application/scim+json", async () => {
		const res = await scim("POST", "/Users", JSON.stringify({ userName: "json.client@example.com" }), {
			"Content-Type": "application/json",
		});
		expect(res.status).toBe(201);
		expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
		expect(res.headers.get("location")).toBe((bodyOf(res).meta as JsonObject).location);
	});

	it("#26 password, groups, meta, id, unknown schemas, nulls, unmarked extensions and the malformed enterprise URN are ignored", async () => {
		const res = await scim("POST", "/Users", {
			schemas: [
				USER,
				"urn:example:unknown:2.0:User",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
			],
			id: "client-chosen",
			userName: "lenient@example.com",
			password: "hunter2-placeholder",
			groups: [{ value: "nope" }],
			meta: { resourceType: "User", created: "1999-01-01T00:00:00Z" },
			nickName: null,
			title: null,
			"urn:example:custom:1.0:User": { costCenter: "42" },
			[ENTERPRISE]: { department: "Unmarked" },
		});
		expect(res.status, res.text).toBe(201);
		expect(res.body?.id).not.toBe("client-chosen");
		expect(res.text).not.toContain("hunter2");
		expect(res.body).not.toHaveProperty("nickName");
	});

	it("#27 PUT of Roster's own GET output is accepted; attributes left out are cleared", async () => {
		const user = await newUser({ title: "Keep", displayName: "Drop me" });
		const got = await scim("GET", `/Users/${user.id}`, undefined, { "User-Agent": OKTA_USER_AGENT });
		const { displayName: _dropped, ...rest } = got.body as JsonObject;
		const put = await scim("PUT", `/Users/${user.id}`, rest, { "User-Agent": OKTA_USER_AGENT });
		expect(put.status, put.text).toBe(200);
		expect(put.body).toMatchObject({ id: user.id, title: "Keep" });
		expect(put.body).not.toHaveProperty("displayName");
	});

	it("#32 roles accept strings, objects and Entra's JSON-in-string; shape follows the client", async () => {
		const user = await newUser({ roles: ["urn:roster:role:organization:*:admin"] });
		const entra = await scim(
			"PATCH",
			`/Users/${user.id}`,
			patch({
				op: "Add",
				path: "roles",
				value: [
					{ value: '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}' },
				],
			}),
		);
		expect(entra.status, entra.text).toBe(200);
		for (const role of bodyOf(entra).roles as unknown[]) expect(typeof role).toBe("object");
		const okta = await scim("GET", `/Users/${user.id}`, undefined, { "User-Agent": OKTA_USER_AGENT });
		for (const role of bodyOf(okta).roles as unknown[]) expect(typeof role).toBe("string");
		expect(okta.body?.roles).toContain("urn:roster:role:organization:*:admin");
	});

	it("#36 /ServiceProviderConfig has patch.supported; /Schemas and /ResourceTypes are ListResponses", async () => {
		expect((await scim("GET", "/ServiceProviderConfig")).body).toMatchObject({ patch: { supported: true } });
		for (const path of ["/Schemas", "/ResourceTypes"]) {
			const res = await scim("GET", path);
			expect(Number.isInteger(res.body?.totalResults)).toBe(true);
			expect(Array.isArray(res.body?.Resources)).toBe(true);
		}
	});
});

describe("README §4 checklist: groups", () => {
	it("#4 path-less replace of {id, displayName} renames; another id is 400 mutability", async () => {
		const id = await newGroup("Rename Me");
		const renamed = await scim(
			"PATCH",
			`/Groups/${id}`,
			patch({ op: "replace", value: { id, displayName: "Renamed" } }),
		);
		expect([204, 200]).toContain(renamed.status);
		expect((await scim("GET", `/Groups/${id}`)).body?.displayName).toBe("Renamed");
		const other = await scim(
			"PATCH",
			`/Groups/${id}`,
			patch({ op: "replace", value: { id: "7f4bc1a3-285e-48ae-8202-5accb43efb0e", displayName: "X" } }),
		);
		expect(other.body).toMatchObject({ status: "400", scimType: "mutability" });
	});

	it("#10 #11 #12 #13 duplicates never double; $ref null and display accepted; Remove without value empties; replace [] empties", async () => {
		const [a, b, c] = [await newUser(), await newUser(), await newUser()];
		const id = await newGroup("Membership Rules");
		const add = await scim(
			"PATCH",
			`/Groups/${id}`,
			patch({
				op: "Add",
				path: "members",
				value: [{ $ref: null, value: a.id, display: "A" }, { $ref: null, value: a.id }, { value: b.id }],
			}),
		);
		expect(add.status, add.text).toBe(204);
		await scim(
			"PATCH",
			`/Groups/${id}`,
			patch({ op: "add", path: "members", value: [{ value: b.id }, { value: c.id }] }),
		);
		expect(await members(id)).toEqual([a.id, b.id, c.id].sort());
		const read = await scim("GET", `/Groups/${id}`);
		expect((bodyOf(read).members as JsonObject[])[0]).toHaveProperty("display");
		await scim("PATCH", `/Groups/${id}`, patch({ op: "Remove", path: "members", value: [{ value: b.id }] }));
		expect(await members(id)).toEqual([a.id, c.id].sort());
		await scim("PATCH", `/Groups/${id}`, patch({ op: "Remove", path: "members" }));
		expect(await members(id)).toEqual([]);
		await scim("PATCH", `/Groups/${id}`, patch({ op: "replace", path: "members", value: [{ value: a.id }] }));
		expect(await members(id)).toEqual([a.id]);
		await scim("PATCH", `/Groups/${id}`, patch({ op: "replace", path: "members", value: [] }));
		expect(await members(id)).toEqual([]);
	});

	it("#14 #15 group PATCH is 200 + projected group with attributes=; excludedAttributes=members drops members on GET by id and list", async () => {
		const user = await newUser();
		const id = await newGroup("Projection", [user.id]);
		const projected = await scim(
			"PATCH",
			`/Groups/${id}?attributes=displayName`,
			patch({ op: "Add", path: "members", value: [{ value: user.id }] }),
		);
		expect(projected.status).toBe(200);
		expect(projected.body).toMatchObject({ id, displayName: "Projection" });
		expect((await scim("GET", `/Groups/${id}?excludedAttributes=members`)).body).not.toHaveProperty(
			"members",
		);
		const list = await scim("GET", "/Groups?excludedAttributes=members");
		for (const group of bodyOf(list).Resources as JsonObject[]) expect(group).not.toHaveProperty("members");
	});

	it("#22 #30 duplicate displayName → 409 uniqueness; deleting a user drops its memberships", async () => {
		const user = await newUser();
		const id = await newGroup("Unique Name", [user.id]);
		const dup = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "unique name" });
		expect(dup.body).toMatchObject({ status: "409", scimType: "uniqueness" });
		expect((await scim("DELETE", `/Users/${user.id}`)).status).toBe(204);
		expect(await members(id)).toEqual([]);
	});
});
