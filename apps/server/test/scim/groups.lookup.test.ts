import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entraGroup } from "./groups.fixtures.ts";
import { createScimHarness, type ScimHarness, type ScimReply } from "./harness.ts";

let h: ScimHarness;
const groupIds: Record<string, string> = {};

beforeAll(async () => {
	h = await createScimHarness();
	const user = await h.scim("POST", "/Users", {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName: "group.lookup.member@example.com",
	});
	for (const [name, externalId] of [
		["Lookup Platform", "EXT-platform"],
		["lookup platform team", "EXT-platform-team"],
		["Lookup Empty", "ext-empty"],
	] as const) {
		const created = await h.scim("POST", "/Groups", {
			...entraGroup(name, externalId),
			members: name === "Lookup Empty" ? [] : [{ value: user.body?.id }],
		});
		expect(created.status).toBe(201);
		groupIds[name] = String(created.body?.id);
	}
});

afterAll(async () => {
	await h.close();
});

/** `X and displayName pr` selects the same groups through the general compiled-filter path. */
async function expectSameAsCompiledFilter(filter: string, extra = ""): Promise<ScimReply> {
	const path = (text: string) => `/Groups?filter=${encodeURIComponent(text)}${extra}`;
	const fast = await h.scim("GET", path(filter));
	const general = await h.scim("GET", path(`${filter} and displayName pr`));
	expect(fast.status).toBe(200);
	expect(fast.body).toEqual(general.body);
	return fast;
}

describe("displayName and externalId eq lookups of groups", () => {
	it.each([
		['displayName eq "Lookup Platform"', "", 1],
		['DISPLAYNAME eq "LOOKUP PLATFORM"', "&excludedAttributes=members", 1],
		['displayName eq "lookup platform team"', "&attributes=displayName", 1],
		['displayName eq "Lookup Empty"', "", 1],
		['displayName eq "Lookup"', "", 0],
		['externalId eq "EXT-platform"', "", 1],
		['externalId eq "ext-platform"', "", 0],
		['displayName eq "Lookup Platform"', "&count=0", 1],
	])("%s%s answers like the general filter path (%i found)", async (filter, extra, expected) => {
		const reply = await expectSameAsCompiledFilter(filter, extra);
		expect(reply.body?.totalResults).toBe(expected);
	});

	it("shows members in a lookup unless excluded, and reads a group by id", async () => {
		const shown = await h.scim(
			"GET",
			`/Groups?filter=${encodeURIComponent('displayName eq "lookup platform"')}`,
		);
		const [group] = (shown.body?.Resources ?? []) as Record<string, unknown>[];
		expect(group?.members).toHaveLength(1);
		const byId = await h.scim("GET", `/Groups/${groupIds["Lookup Platform"]}?excludedAttributes=members`);
		expect(byId.status).toBe(200);
		expect(byId.body).toMatchObject({ id: groupIds["Lookup Platform"], displayName: "Lookup Platform" });
		expect(byId.body).not.toHaveProperty("members");
		expect((await h.scim("GET", "/Groups/00000000-0000-4000-8000-000000000000")).status).toBe(404);
	});
});
