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

interface LoggedRow {
	status: number;
	occurred_at: Date | string;
	request_body: unknown;
	response_body: unknown;
}

async function loggedFor(requestId: string | null): Promise<LoggedRow[]> {
	await h.runtime.activity.flush();
	return rows<LoggedRow>(
		h.db.db,
		sql`select status, occurred_at, request_body, response_body from provisioning_log where request_id = ${requestId}`,
	);
}

describe("provisioning log rows", () => {
	it("keep request and response bodies as JSON, secrets redacted at any depth", async () => {
		const reply = await h.scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "log.bodies@example.com",
			password: "top-level-secret",
			"urn:example:extension": { nested: [{ Token: "nested-secret" }] },
		});
		expect(reply.status).toBe(201);
		const [row] = await loggedFor(reply.headers.get("x-request-id"));
		expect(row?.status).toBe(201);
		expect(row?.request_body).toMatchObject({ userName: "log.bodies@example.com", password: "[redacted]" });
		expect(JSON.stringify(row?.request_body)).not.toContain("secret");
		expect(row?.response_body).toMatchObject({ id: reply.body?.id, userName: "log.bodies@example.com" });
	});

	it("are dated when the request arrived, not when the buffer was written", async () => {
		const before = Date.now();
		const reply = await h.scim("GET", "/ServiceProviderConfig");
		const after = Date.now();
		await new Promise((resolve) => setTimeout(resolve, 50));
		const [row] = await loggedFor(reply.headers.get("x-request-id"));
		const occurredAt = new Date(row?.occurred_at ?? 0).getTime();
		expect(occurredAt).toBeGreaterThanOrEqual(before);
		expect(occurredAt).toBeLessThanOrEqual(after);
	});

	it("are written for bodies carrying characters PostgreSQL cannot store, without losing other rows", async () => {
		const withNul = await h.scim(
			"POST",
			"/Users",
			'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nul\\u0000user"}',
		);
		expect(withNul.status).toBe(400);
		const withSurrogate = await h.scim(
			"POST",
			"/Users",
			'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"lone.surrogate@example.com","nickName":"\\ud800"}',
		);
		const ordinary = await h.scim("GET", "/ServiceProviderConfig");
		const [nulRow] = await loggedFor(withNul.headers.get("x-request-id"));
		expect(nulRow?.request_body).toMatchObject({ userName: "nul\ufffduser" });
		const [surrogateRow] = await loggedFor(withSurrogate.headers.get("x-request-id"));
		expect(surrogateRow?.status).toBe(withSurrogate.status);
		expect(surrogateRow?.request_body).toMatchObject({ nickName: "\ufffd" });
		expect(await loggedFor(ordinary.headers.get("x-request-id"))).toHaveLength(1);
	});
});
