import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { rows } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityRecorder, type RequestRecord } from "../../src/audit/activity-recorder.ts";
import { createHttpServer } from "../../src/http/client-errors.ts";
import { createLogger } from "../../src/logger.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
let server: ReturnType<typeof createHttpServer>;
let base: string;

beforeAll(async () => {
	h = await createScimHarness();
	server = createHttpServer(h.app.fetch, "127.0.0.1");
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	await h.scim("POST", "/Users", {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName: "read.path@example.com",
		name: { givenName: "Read", familyName: "Path" },
		emails: [{ value: "read.path@example.com", type: "work", primary: true }],
	});
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await h.close();
});

const LOOKUP = `/scim/v2/Users?filter=${encodeURIComponent('userName eq "read.path@example.com"')}`;

function get(path: string, headers: Record<string, string> = {}) {
	return fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${h.token}`, ...headers } });
}

async function loggedResponse(requestId: string): Promise<unknown> {
	await h.runtime.activity.flush();
	await h.runtime.activity.flush();
	const [row] = await rows<{ response_body: unknown }>(
		h.db.db,
		sql`select response_body from provisioning_log where request_id = ${requestId}`,
	);
	return typeof row?.response_body === "string" ? JSON.parse(row.response_body) : row?.response_body;
}

describe("the SCIM read path over a real socket (@hono/node-server)", () => {
	it("answers every response with its request id: a lookup, a 401, a 404 and an unknown route", async () => {
		const answers = [
			await get(LOOKUP),
			await get(LOOKUP, { Authorization: "Bearer wrong" }),
			await get("/scim/v2/Users/00000000-0000-4000-8000-000000000000"),
			await get("/scim/v2/Nothing"),
		];
		expect(answers.map((reply) => reply.status)).toEqual([200, 401, 404, 404]);
		for (const reply of answers) {
			expect(reply.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
			expect(reply.headers.get("content-type")).toBe("application/scim+json");
		}
		expect(answers[1]?.headers.get("www-authenticate")).toBe('Bearer realm="roster-scim"');
		const kept = await get(LOOKUP, { "X-Request-Id": "idp-trace.42" });
		expect(kept.headers.get("x-request-id")).toBe("idp-trace.42");
	});

	it("logs the response body the client received, and builds locations from the address it used", async () => {
		const reply = await get(LOOKUP);
		const received = (await reply.json()) as { Resources: { meta: { location: string } }[] };
		expect(received.Resources[0]?.meta.location).toMatch(new RegExp(`^${base}/scim/v2/Users/[0-9a-f-]{36}$`));
		expect(await loggedResponse(reply.headers.get("x-request-id") ?? "")).toEqual(received);
		const viaSlug = await get(`/organizations/default${LOOKUP}`);
		const slugBody = (await viaSlug.json()) as typeof received;
		expect(slugBody.Resources[0]?.meta.location).toMatch(
			new RegExp(`^${base}/organizations/default/scim/v2/Users/`),
		);
	});
});

function record(orgId: string, index: number): RequestRecord {
	return {
		orgId,
		connectionId: null,
		occurredAt: new Date(),
		method: "GET",
		path: "/scim/v2/Users",
		status: 200,
		durationMs: 1,
		scimType: null,
		requestId: `recorder-${index}`,
		quirks: [],
		requestBodyJson: "null",
		responseBodyJson: '{"totalResults":0}',
	};
}

async function until(check: () => Promise<boolean>): Promise<void> {
	for (let tries = 0; tries < 100; tries++) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe("the buffered provisioning log", () => {
	it("writes as soon as 200 rows wait, without waiting for its interval", async () => {
		const logger = createLogger({ level: "silent" });
		const recorder = new ActivityRecorder({ db: h.db.db, logger, flushIntervalMs: 3_600_000 });
		const count = async () => {
			const [row] = await rows<{ n: number }>(
				h.db.db,
				sql`select count(*)::int as n from provisioning_log where request_id like 'recorder-%'`,
			);
			return row?.n ?? 0;
		};
		for (let index = 0; index < 199; index++) recorder.log(record(h.organization.id, index));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(await count()).toBe(0);
		recorder.log(record(h.organization.id, 199));
		await until(async () => (await count()) === 200);
		expect(await count()).toBe(200);
		await recorder.close();
	});

	it("after a failed write, leaves retrying to its timer instead of trying again on every request", async () => {
		const lines: string[] = [];
		const destination = new Writable({
			write(chunk, _encoding, done) {
				lines.push(String(chunk));
				done();
			},
		});
		const logger = createLogger({ level: "error", destination });
		const db = await createTestDatabase();
		const recorder = new ActivityRecorder({ db: db.db, logger, flushIntervalMs: 3_600_000 });
		await db.close();
		for (let index = 0; index < 600; index++) {
			recorder.log(record(h.organization.id, index));
			await Promise.resolve();
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(lines.filter((line) => line.includes("provisioning log write failed"))).toHaveLength(1);
	});
});
