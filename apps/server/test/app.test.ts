import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { capturedLogger, testConfig } from "./helpers.ts";

let db: DatabaseHandle;
let consoleDir: string;
const emptyDir = mkdtempSync(join(tmpdir(), "roster-no-console-"));

beforeAll(async () => {
	db = await createTestDatabase();
	consoleDir = mkdtempSync(join(tmpdir(), "roster-console-"));
	writeFileSync(join(consoleDir, "index.html"), "<!doctype html><title>Roster console</title>");
	mkdirSync(join(consoleDir, "assets"));
	writeFileSync(join(consoleDir, "assets", "app.js"), "console.log('roster')");
});

afterAll(async () => {
	await db.close();
});

function app(overrides: Parameters<typeof testConfig>[0] = {}, dir = consoleDir) {
	return createApp({ db, config: testConfig(overrides), logger: capturedLogger().logger, consoleDir: dir });
}

describe("health", () => {
	it("answers /healthz", async () => {
		const res = await app().request("/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: "ok" });
	});

	it("answers /readyz when the database responds", async () => {
		const res = await app().request("/readyz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: "ready" });
	});
});

describe("request id", () => {
	it("echoes a sane incoming X-Request-Id", async () => {
		const res = await app().request("/healthz", { headers: { "X-Request-Id": "idp-req.42:a_b" } });
		expect(res.headers.get("X-Request-Id")).toBe("idp-req.42:a_b");
	});

	it("replaces an unsafe incoming id with a generated one", async () => {
		const res = await app().request("/healthz", { headers: { "X-Request-Id": "bad id\u0007<script>" } });
		const id = res.headers.get("X-Request-Id");
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("generates an id when none is sent, also on errors", async () => {
		const res = await app().request("/nope");
		const body = (await res.json()) as { requestId: string };
		expect(res.headers.get("X-Request-Id")).toBe(body.requestId);
	});
});

describe("errors", () => {
	it("answers unknown routes with JSON and no stack", async () => {
		const res = await app().request("/no/such/route.json");
		expect(res.status).toBe(404);
		const text = await res.text();
		expect(JSON.parse(text)).toMatchObject({ error: "Not found" });
		expect(text).not.toMatch(/\bat\s.+:\d+/);
	});

	it("hides the message and stack of unexpected errors", async () => {
		const server = app();
		server.get("/boom", () => {
			throw new Error("connection string postgres://admin:hunter2@db");
		});
		const res = await server.request("/boom");
		expect(res.status).toBe(500);
		const text = await res.text();
		expect(JSON.parse(text)).toEqual({
			error: "Internal server error",
			requestId: res.headers.get("X-Request-Id"),
		});
		expect(text).not.toContain("hunter2");
		expect(text).not.toMatch(/\bat\s.+:\d+/);
	});

	it("answers an unexpected error under /scim with a SCIM 500 and the request id", async () => {
		const server = app({ scimEnabled: false });
		server.get("/scim/v2/boom", () => {
			throw new TypeError("cannot read x of undefined");
		});
		const res = await server.request("/scim/v2/boom", { headers: { "X-Request-Id": "req-500" } });
		expect(res.status).toBe(500);
		expect(res.headers.get("Content-Type")).toContain("application/scim+json");
		const body = (await res.json()) as { schemas: string[]; status: string; detail: string };
		expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
		expect(body.status).toBe("500");
		expect(body.detail).toContain("req-500");
		expect(JSON.stringify(body)).not.toContain("undefined");
	});
});

describe("SCIM mounts", () => {
	it.each(["/scim/v2/Users", "/organizations/default/scim/v2/Groups/1"])(
		"answer %s without a token with a SCIM error body",
		async (path) => {
			const res = await app().request(path);
			expect(res.status).toBeGreaterThanOrEqual(400);
			expect(res.status).toBeLessThan(500);
			expect(res.headers.get("Content-Type")).toContain("application/scim+json");
			const body = (await res.json()) as { schemas: string[]; status: string };
			expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
			expect(body.status).toBe(String(res.status));
		},
	);

	it.each(["/scim/v2/Users", "/scim/v2/ServiceProviderConfig", "/organizations/acme/scim/v2/Users"])(
		"answer %s with a SCIM 404 when SCIM is disabled",
		async (path) => {
			const res = await app({ scimEnabled: false }).request(path, {
				method: "POST",
				headers: { Accept: "text/html" },
			});
			expect(res.status).toBe(404);
			expect(res.headers.get("Content-Type")).toContain("application/scim+json");
			const body = (await res.json()) as { schemas: string[]; status: string; detail: string };
			expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
			expect(body.status).toBe("404");
		},
	);
});

describe("tRPC", () => {
	it("answers system.info", async () => {
		const res = await app().request("/trpc/system.info");
		expect(res.status).toBe(200);
		const body = (await res.json()) as { result: { data: { name: string; version: string } } };
		expect(body.result.data.name).toBe("Roster");
		expect(body.result.data.version).toMatch(/^\d+\.\d+\.\d+/);
	});
});

describe("console", () => {
	it("serves built files", async () => {
		const res = await app().request("/assets/app.js");
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("console.log('roster')");
	});

	it("serves index.html for client-side routes", async () => {
		const res = await app().request("/some/client/route", { headers: { Accept: "text/html,*/*" } });
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("<title>Roster console</title>");
	});

	it("does not answer API paths or non-HTML requests with index.html", async () => {
		const server = app();
		const trpc = await server.request("/trpc/nothing.here", { headers: { Accept: "text/html" } });
		expect(await trpc.text()).not.toContain("Roster console");
		const json = await server.request("/some/client/route", { headers: { Accept: "application/json" } });
		expect(json.status).toBe(404);
	});

	it("tells the operator to build the console when it is missing", async () => {
		const res = await app({}, emptyDir).request("/", { headers: { Accept: "text/html" } });
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("pnpm build");
	});
});

describe("readiness after the database is gone", () => {
	it("answers 503 once the database is closed", async () => {
		const own = await createTestDatabase();
		const server = createApp({ db: own, config: testConfig(), logger: capturedLogger().logger, consoleDir });
		expect((await server.request("/readyz")).status).toBe(200);
		await own.close();
		const res = await server.request("/readyz");
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({ status: "unavailable" });
	});
});
