import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entraGroup } from "./groups.fixtures.ts";
import { createScimHarness, type ScimHarness, type ScimReply } from "./harness.ts";

let h: ScimHarness;
const ids: Record<string, string> = {};

beforeAll(async () => {
	h = await createScimHarness();
	const people: [string, string][] = [
		["Alice.Lookup@Example.com", "EXT-alice"],
		["alice.lookup@example.org", "EXT-alice-org"],
		["bob.lookup@example.com", "EXT-shared"],
		["carol.lookup@example.com", "EXT-shared"],
		["straße.lookup@example.com", "ext-strasse"],
	];
	for (const [userName, externalId] of people) {
		const created = await h.scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName,
			externalId,
		});
		expect(created.status).toBe(201);
		ids[userName] = String(created.body?.id);
	}
	for (const name of ["Lookup Engineers", "Lookup Everyone"]) {
		const group = await h.scim("POST", "/Groups", {
			...entraGroup(name, `ext-${name}`),
			members: [{ value: ids["Alice.Lookup@Example.com"] }],
		});
		expect(group.status).toBe(201);
	}
});

afterAll(async () => {
	await h.close();
});

function list(filter: string, extra = ""): Promise<ScimReply> {
	return h.scim("GET", `/Users?filter=${encodeURIComponent(filter)}${extra}`);
}

/**
 * `X and userName pr` is true of every user, so it selects the same users as `X` through the general
 * compiled-filter path: the prepared key lookups must answer exactly like it.
 */
async function expectSameAsCompiledFilter(filter: string, extra = ""): Promise<ScimReply> {
	const fast = await list(filter, extra);
	const general = await list(`${filter} and userName pr`, extra);
	expect(fast.status).toBe(200);
	expect(fast.body).toEqual(general.body);
	return fast;
}

describe("userName and externalId eq lookups", () => {
	it.each([
		['userName eq "Alice.Lookup@Example.com"', 1],
		['userName eq "ALICE.LOOKUP@EXAMPLE.COM"', 1],
		['USERNAME eq "alice.lookup@example.org"', 1],
		['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice.lookup@example.com"', 1],
		['userName eq "STRASSE.lookup@example.com"', 0],
		['userName eq "straße.lookup@example.com"', 1],
		['userName eq "nobody@example.com"', 0],
		['externalId eq "EXT-alice"', 1],
		['externalId eq "ext-alice"', 0],
		['externalId eq "EXT-shared"', 2],
	])("%s answers like the general filter path (%i found)", async (filter, expected) => {
		const reply = await expectSameAsCompiledFilter(filter);
		expect(reply.body?.totalResults).toBe(expected);
	});

	it("pages, projects and counts like the general filter path", async () => {
		const filter = 'externalId eq "EXT-shared"';
		const second = await expectSameAsCompiledFilter(filter, "&startIndex=2&count=1");
		expect(second.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
		await expectSameAsCompiledFilter(filter, "&count=0");
		await expectSameAsCompiledFilter(filter, "&attributes=userName");
		await expectSameAsCompiledFilter('userName eq "alice.lookup@example.com"', "&excludedAttributes=groups");
	});

	it("returns the user's groups in the lookup answer and on GET by id", async () => {
		const id = ids["Alice.Lookup@Example.com"];
		const found = await list('userName eq "alice.lookup@example.com"');
		const [listed] = (found.body?.Resources ?? []) as Record<string, unknown>[];
		const byId = await h.scim("GET", `/Users/${id}`);
		for (const resource of [listed, byId.body]) {
			const groups = (resource?.groups ?? []) as { value: string; display: string; $ref: string }[];
			expect(groups.map((group) => group.display).sort()).toEqual(["Lookup Engineers", "Lookup Everyone"]);
			for (const group of groups) expect(group.$ref).toBe(`http://roster.test/scim/v2/Groups/${group.value}`);
		}
		expect(byId.body?.id).toBe(id);
	});

	it("leaves a deleted user out of lookups and answers 404 for it by id", async () => {
		const id = ids["carol.lookup@example.com"];
		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
		const reply = await expectSameAsCompiledFilter('userName eq "carol.lookup@example.com"');
		expect(reply.body?.totalResults).toBe(0);
		expect((await h.scim("GET", `/Users/${id}`)).status).toBe(404);
	});
});
