import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness, type ScimReply } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

let h: ScimHarness;
let userId: string;
let groupId: string;

beforeAll(async () => {
	h = await createScimHarness();
	userId = (await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName: "ada@example.com" })).body
		?.id as string;
	groupId = (
		await h.scim("POST", "/Groups", {
			schemas: [GROUP_SCHEMA],
			displayName: "Engineers",
			members: [{ value: userId.toUpperCase() }],
		})
	).body?.id as string;
});
afterAll(async () => {
	await h.close();
});

function ids(reply: ScimReply): string[] {
	expect(reply.status, reply.text).toBe(200);
	return ((reply.body?.Resources as { id: string }[] | undefined) ?? []).map((resource) => resource.id);
}

function list(path: string, filter: string): Promise<ScimReply> {
	return h.scim("GET", `${path}?filter=${encodeURIComponent(filter)}`);
}

describe("ids are UUIDs in any letter case, in paths and in filters alike", () => {
	it("GET /Users/{UPPER} and filter=id eq UPPER find the same user", async () => {
		const upper = userId.toUpperCase();
		expect((await h.scim("GET", `/Users/${upper}`)).body?.id).toBe(userId);
		expect(ids(await list("/Users", `id eq "${upper}"`))).toEqual([userId]);
		expect(ids(await list("/Users", `id sw "${upper.slice(0, 8)}"`))).toEqual([userId]);
		expect(ids(await list("/Users", `id ne "${upper}"`))).toEqual([]);
		expect(ids(await h.scim("POST", "/Users/.search", { filter: `id eq "${upper}"` }))).toEqual([userId]);
	});

	it("GET /Groups/{UPPER} and filter=id eq UPPER find the same group", async () => {
		const upper = groupId.toUpperCase();
		expect((await h.scim("GET", `/Groups/${upper}`)).body?.id).toBe(groupId);
		expect(ids(await list("/Groups", `id eq "${upper}"`))).toEqual([groupId]);
		expect(ids(await list("/Groups", `id co "${upper.slice(9, 13)}"`))).toEqual([groupId]);
	});

	it("membership filters take upper-case ids on both sides", async () => {
		expect(ids(await list("/Users", `groups.value eq "${groupId.toUpperCase()}"`))).toEqual([userId]);
		expect(ids(await list("/Users", `groups[value eq "${groupId.toUpperCase()}"]`))).toEqual([userId]);
		expect(ids(await list("/Groups", `members.value eq "${userId.toUpperCase()}"`))).toEqual([groupId]);
		expect(ids(await list("/Users", `groups.value eq "not-a-uuid"`))).toEqual([]);
	});
});
