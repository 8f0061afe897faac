import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function entraUser(userName: string, externalId = `ext-${userName}`) {
	return {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
		externalId,
		userName,
		active: true,
		emails: [{ primary: true, type: "work", value: `${userName}@example.com` }],
		meta: { resourceType: "User" },
		name: { formatted: "Given Family", familyName: "Family", givenName: "Given" },
		roles: [],
		password: "s3cret-placeholder",
		[ENTERPRISE]: { department: "Eng", employeeNumber: "42" },
	};
}

async function auditActions(entityId: string): Promise<string[]> {
	const found = await rows<{ action: string }>(
		h.db.db,
		sql`select action from audit_events where entity_id = ${entityId} order by id`,
	);
	return found.map((row) => row.action);
}

describe("POST /Users", () => {
	it("creates a user: 201, Location, ETag, full resource, password never returned, audit recorded", async () => {
		const res = await h.scim("POST", "/Users", entraUser("ada"));
		expect(res.status).toBe(201);
		const id = res.body?.id as string;
		expect(res.headers.get("location")).toBe(`http://roster.test/scim/v2/Users/${id}`);
		expect(res.headers.get("etag")).toBe('W/"1"');
		expect(res.body).toMatchObject({
			userName: "ada",
			active: true,
			name: { givenName: "Given", familyName: "Family", formatted: "Given Family" },
			[ENTERPRISE]: { department: "Eng" },
			meta: { resourceType: "User", location: `http://roster.test/scim/v2/Users/${id}`, version: 'W/"1"' },
		});
		expect(res.text).not.toContain("s3cret");
		expect(await auditActions(id)).toEqual(["SCIM_USER_PROVISIONED"]);
		const [event] = await rows<{ metadata: { passwordIgnored?: boolean } }>(
			h.db.db,
			sql`select metadata from audit_events where entity_id = ${id}`,
		);
		expect(event?.metadata.passwordIgnored).toBe(true);
	});

	it("rejects a case-insensitive duplicate userName with 409 uniqueness, and the lookup finds the original", async () => {
		await h.scim("POST", "/Users", entraUser("Grace.Hopper"));
		const dup = await h.scim("POST", "/Users", entraUser("grace.hopper", "other"));
		expect(dup.status).toBe(409);
		expect(dup.body).toMatchObject({ status: "409", scimType: "uniqueness" });
		const lookup = await h.scim("GET", `/Users?filter=${encodeURIComponent('userName eq "GRACE.HOPPER"')}`);
		expect(lookup.body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
	});

	it.each([
		["malformed JSON", "{nope", "application/scim+json", 400, "invalidSyntax"],
		["NUL character", JSON.stringify({ userName: "a\u0000b" }), "application/scim+json", 400, "invalidValue"],
		["missing userName", JSON.stringify({ displayName: "x" }), "application/json", 400, "invalidValue"],
		["wrong media type", JSON.stringify({ userName: "x" }), "text/plain", 415, undefined],
	])("%s → %s", async (_label, body, type, status, scimType) => {
		const res = await h.scim("POST", "/Users", body, { "Content-Type": type });
		expect(res.status).toBe(status);
		expect(res.body?.status).toBe(String(status));
		expect(res.body?.scimType).toBe(scimType);
	});
});

describe("user lifecycle", () => {
	it("PATCH (Entra forms), deactivate keeps the user readable, ETags, DELETE tombstones and restores by externalId", async () => {
		const created = await h.scim("POST", "/Users", entraUser("linus"));
		const id = created.body?.id as string;
		const patched = await h.scim("PATCH", `/Users/${id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [
				{ op: "Replace", path: "displayName", value: "Linus T" },
				{ op: "Replace", path: 'emails[type eq "work"].value', value: "lt@example.com" },
				{ op: "Replace", path: `${ENTERPRISE}:employeeNumber`, value: "7" },
			],
		});
		expect(patched.status).toBe(200);
		expect(patched.body).toMatchObject({ displayName: "Linus T", [ENTERPRISE]: { employeeNumber: "7" } });
		expect(patched.body?.emails).toEqual([{ primary: true, type: "work", value: "lt@example.com" }]);

		const stale = await h.scim(
			"PATCH",
			`/Users/${id}`,
			{ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [] },
			{ "If-Match": 'W/"1"' },
		);
		expect(stale.status).toBe(412);

		const off = await h.scim("PATCH", `/Users/${id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "Replace", path: "active", value: "False" }],
		});
		expect(off.body?.active).toBe(false);
		const filtered = await h.scim(
			"GET",
			`/Users?filter=${encodeURIComponent(`id eq "${id}" and active eq false`)}`,
		);
		expect(filtered.body?.totalResults).toBe(1);
		const current = await h.scim("GET", `/Users/${id}`);
		const tag = current.headers.get("etag") ?? "";
		expect((await h.scim("GET", `/Users/${id}`, undefined, { "If-None-Match": tag })).status).toBe(304);

		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
		expect((await h.scim("GET", `/Users/${id}`)).status).toBe(404);
		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(404);
		const again = await h.scim("POST", "/Users", entraUser("linus"));
		expect(again.status).toBe(201);
		expect(again.body?.id).toBe(id);
		expect(await auditActions(id)).toEqual([
			"SCIM_USER_PROVISIONED",
			"SCIM_USER_UPDATED",
			"SCIM_USER_DEPROVISIONED",
			"SCIM_USER_DELETED",
			"SCIM_USER_PROVISIONED",
		]);
	});

	it("a deleted user's userName is free for a different person (new id)", async () => {
		const first = await h.scim("POST", "/Users", entraUser("reused.name", "person-a"));
		expect((await h.scim("DELETE", `/Users/${first.body?.id}`)).status).toBe(204);
		const second = await h.scim("POST", "/Users", entraUser("Reused.Name", "person-b"));
		expect(second.status).toBe(201);
		expect(second.body?.id).not.toBe(first.body?.id);
	});

	it("PUT replaces (Okta), keeps id and meta.created, accepts its own GET output back", async () => {
		const created = await h.scim("POST", "/Users", entraUser("okta.user"));
		const id = created.body?.id as string;
		const { body: current } = await h.scim("GET", `/Users/${id}`);
		const put = await h.scim("PUT", `/Users/${id}`, {
			...current,
			name: { givenName: "Another", familyName: "User" },
			[ENTERPRISE]: undefined,
		});
		expect(put.status).toBe(200);
		expect(put.body?.id).toBe(id);
		expect(put.body?.name).toEqual({ givenName: "Another", familyName: "User" });
		expect(put.body?.[ENTERPRISE]).toBeUndefined();
		expect(put.body?.meta).toMatchObject({
			created: (current?.meta as { created?: string } | undefined)?.created,
		});
	});

	it("another connection of the organization cannot change a user it does not own", async () => {
		const created = await h.scim("POST", "/Users", entraUser("owned"));
		const other = h.clientFor(await h.issueToken("default", "second-idp"));
		const res = await other("PATCH", `/Users/${created.body?.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "displayName", value: "x" }],
		});
		expect(res.status).toBe(409);
		expect((await other("GET", `/Users/${created.body?.id}`)).status).toBe(200);
	});
});

describe("lists", () => {
	it("pages with startIndex/count, count=0 gives only totalResults, no match is an empty 200", async () => {
		for (const n of [1, 2, 3, 4, 5]) await h.scim("POST", "/Users", entraUser(`page-${n}`));
		const filter = encodeURIComponent('userName sw "page-"');
		const first = await h.scim("GET", `/Users?filter=${filter}&startIndex=1&count=2&attributes=userName`);
		expect(first.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 1 });
		const second = await h.scim("GET", `/Users?filter=${filter}&startIndex=3&count=2&attributes=userName`);
		const names = [first, second].flatMap((res) => (res.body?.Resources ?? []) as { userName: string }[]);
		expect(names.map((u) => u.userName)).toEqual(["page-1", "page-2", "page-3", "page-4"]);
		const none = await h.scim("GET", `/Users?count=0&filter=${filter}`);
		expect(none.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
		const empty = await h.scim("GET", `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`);
		expect(empty.status).toBe(200);
		expect(empty.body).toMatchObject({ totalResults: 0, Resources: [] });
	});

	it("cursor pagination walks every match once and rejects a tampered cursor", async () => {
		const filter = encodeURIComponent('userName sw "page-"');
		const seen: string[] = [];
		let cursor = "";
		for (let i = 0; i < 10; i++) {
			const res = await h.scim("GET", `/Users?filter=${filter}&count=2&cursor=${encodeURIComponent(cursor)}`);
			seen.push(...((res.body?.Resources ?? []) as { userName: string }[]).map((u) => u.userName));
			if (!res.body?.nextCursor) break;
			cursor = res.body.nextCursor as string;
		}
		expect(seen).toEqual(["page-1", "page-2", "page-3", "page-4", "page-5"]);
		const bad = await h.scim("GET", `/Users?filter=${filter}&cursor=${cursor.slice(0, -2)}xx`);
		expect(bad.body).toMatchObject({ status: "400", scimType: "invalidCursor" });
	});

	it("an invalid filter is 400 invalidFilter", async () => {
		const res = await h.scim("GET", `/Users?filter=${encodeURIComponent("userName eq")}`);
		expect(res.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
	});
});
