import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
});
afterAll(async () => {
	await h.close();
});

async function stored(id: string) {
	const [row] = await rows<{ is_active: boolean; version: number }>(
		h.db.db,
		sql`select is_active, version from users where id = ${id}::uuid`,
	);
	return row;
}

describe("PATCH cannot remove a user's active flag", () => {
	it("remove of active is 400 invalidValue and changes nothing; replace active false deactivates", async () => {
		const id = (
			await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName: "ada@example.com", active: true })
		).body?.id as string;
		for (const operation of [
			{ op: "remove", path: "active" },
			{ op: "replace", path: "active", value: null },
		]) {
			const reply = await h.scim("PATCH", `/Users/${id}`, {
				schemas: [PATCH_SCHEMA],
				Operations: [{ op: "replace", path: "displayName", value: "Ada" }, operation],
			});
			expect(reply.status, reply.text).toBe(400);
			expect(reply.body).toMatchObject({
				schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
				status: "400",
				scimType: "invalidValue",
			});
			expect(reply.body?.detail).toContain("active");
		}
		expect(await stored(id)).toEqual({ is_active: true, version: 1 });
		const off = await h.scim("PATCH", `/Users/${id}`, {
			schemas: [PATCH_SCHEMA],
			Operations: [{ op: "replace", path: "active", value: false }],
		});
		expect(off.body?.active).toBe(false);
		expect(await stored(id)).toEqual({ is_active: false, version: 2 });
	});
});
