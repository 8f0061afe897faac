import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
	for (const name of ["ada", "alan", "grace"]) {
		const res = await h.scim("POST", "/Users", { schemas: [USER], userName: `search.${name}` });
		expect(res.status).toBe(201);
	}
	for (const name of ["Search Ops", "Search Dev"]) {
		const res = await h.scim("POST", "/Groups", { schemas: [GROUP], displayName: name, externalId: name });
		expect(res.status).toBe(201);
	}
});
afterAll(async () => {
	await h.close();
});

function search(body: Record<string, unknown>) {
	return h.scim("POST", "/.search", { schemas: [SEARCH], ...body });
}

function ids(resources: unknown): string[] {
	return (resources as { id: string }[]).map((r) => r.id);
}

function kinds(resources: unknown): string[] {
	return (resources as { schemas: string[] }[]).map((r) => (r.schemas.includes(USER) ? "User" : "Group"));
}

describe("POST /.search at the service root", () => {
	it("returns users then groups, counting both in totalResults", async () => {
		const res = await search({});
		expect(res.status).toBe(200);
		expect(res.body?.totalResults).toBe(5);
		expect(kinds(res.body?.Resources)).toEqual(["User", "User", "User", "Group", "Group"]);
	});

	it("pages across the boundary between resource types without gaps or repeats", async () => {
		const seen: string[] = [];
		for (const startIndex of [1, 3, 5]) {
			const res = await search({ startIndex, count: 2 });
			expect(res.body?.totalResults).toBe(5);
			expect(res.body?.startIndex).toBe(startIndex);
			seen.push(...ids(res.body?.Resources));
		}
		const all = await search({ count: 10 });
		expect(seen).toEqual(ids(all.body?.Resources));
		const middle = await search({ startIndex: 3, count: 2 });
		expect(kinds(middle.body?.Resources)).toEqual(["User", "Group"]);
	});

	it("applies a filter to each type that has its attributes; others contribute nothing", async () => {
		const users = await search({ filter: 'userName sw "search.a"' });
		expect(users.body?.totalResults).toBe(2);
		expect(kinds(users.body?.Resources)).toEqual(["User", "User"]);
		const groups = await search({ filter: 'displayName eq "Search Ops"', attributes: "displayName" });
		expect(kinds(groups.body?.Resources)).toEqual(["Group"]);
		expect(groups.body?.totalResults).toBe(1);
		const both = await search({ filter: 'externalId eq "Search Dev" or externalId eq "nobody"' });
		expect(both.body?.totalResults).toBe(1);
	});

	it("answers count=0 with totals only", async () => {
		const res = await search({ count: 0 });
		expect(res.body?.totalResults).toBe(5);
		expect(res.body?.Resources).toEqual([]);
	});

	it("refuses filters no resource type accepts, and sortBy or cursor, with 400", async () => {
		const bad = await search({ filter: 'nosuchattribute eq "x"' });
		expect(bad.status).toBe(400);
		expect(bad.body?.scimType).toBe("invalidFilter");
		const sorted = await search({ sortBy: "userName" });
		expect(sorted.status).toBe(400);
		expect(sorted.body?.scimType).toBe("invalidValue");
	});
});
