import { Agent } from "node:http";
import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackBase, sendRaw } from "../bench/http.ts";
import { type ServerProcess, startServer } from "../bench/server.ts";
import { TEST_SECRET } from "./helpers.ts";

let db: DatabaseHandle;
let server: ServerProcess;
const agent = new Agent();

beforeAll(async () => {
	db = await createTestDatabase();
	server = await startServer({ databaseUrl: db.url, secret: TEST_SECRET, cpuProfileDir: undefined });
});

afterAll(async () => {
	agent.destroy();
	await server?.stop();
	await db?.close();
});

function send(path: string, headers: Record<string, string> = {}, method = "GET") {
	return sendRaw(agent, loopbackBase(server.baseUrl), {
		method,
		path,
		headers: { Authorization: "Bearer x", ...headers },
		body: undefined,
		timeoutMs: 30_000,
	});
}

describe("requests refused before they reach the app (the server process)", () => {
	it("answers a filter too long for the request line with a SCIM 431, not an empty body", async () => {
		const reply = await send(
			`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${"x".repeat(20_000)}"`)}`,
		);
		expect(reply.status).toBe(431);
		expect(reply.headers["content-type"]).toBe("application/scim+json");
		const body = JSON.parse(reply.body.toString("utf8"));
		expect(body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "431" });
		expect(body.detail).toContain(".search");
	});

	it("answers HEAD with a request line too long with a bodiless 431 the client can read", async () => {
		const reply = await send(`/scim/v2/Users/${"9".repeat(20_000)}`, {}, "HEAD");
		expect(reply.status).toBe(431);
		expect(reply.body.length).toBe(0);
	});

	it("answers a path @hono/node-server cannot read (a backslash) with a SCIM 400, not an empty body", async () => {
		const reply = await send("/scim/v2/Users/7\\");
		expect(reply.status).toBe(400);
		expect(reply.headers["content-type"]).toBe("application/scim+json");
		expect(JSON.parse(reply.body.toString("utf8"))).toMatchObject({ status: "400" });
	});

	it("answers oversized headers with a SCIM 431 too", async () => {
		const reply = await send("/scim/v2/Users", { "If-Match": `"${"e".repeat(20_000)}"` });
		expect(reply.status).toBe(431);
		expect(JSON.parse(reply.body.toString("utf8"))).toMatchObject({ status: "431" });
	});
});
