import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { serve } from "@hono/node-server";
import { rows, scimConnections } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_OPTIONS } from "../../src/http/server-options.ts";
import { SCIM_LIMITS } from "../../src/scim/limits.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

let h: ScimHarness;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
	h = await createScimHarness();
	// A maximal Bulk spends one unit per operation of the connection's budget: lift it, this file tests abandonment.
	await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 100_000 } } });
	server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1", serverOptions: SERVER_OPTIONS });
	await once(server, "listening");
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await h.close();
});

/** Writes a raw HTTP request (all of it, or the first `sendBytes` of its body) and closes the socket. */
async function sendAndHangUp(path: string, body: string, sendBytes = body.length): Promise<void> {
	const socket = connect(port, "127.0.0.1");
	await once(socket, "connect");
	const head = [
		`POST /scim/v2${path} HTTP/1.1`,
		"Host: roster.test",
		`Authorization: Bearer ${h.token}`,
		"Content-Type: application/scim+json",
		`Content-Length: ${Buffer.byteLength(body)}`,
		"",
		"",
	].join("\r\n");
	await new Promise<void>((resolve, reject) =>
		socket.write(head + body.slice(0, sendBytes), (error) => (error ? reject(error) : resolve())),
	);
	socket.destroy();
}

async function usersNamed(prefix: string): Promise<number> {
	const [row] = await rows<{ n: number }>(
		h.db.db,
		sql`select count(*)::int as n from users where user_name like ${`${prefix}%`}`,
	);
	return row?.n ?? 0;
}

/** Waits until the count stops moving (the abandoned request has ended one way or the other). */
async function settled(prefix: string): Promise<number> {
	let previous = -1;
	let current = await usersNamed(prefix);
	for (let polls = 0; polls < 600 && current !== previous; polls++) {
		await sleep(500);
		previous = current;
		current = await usersNamed(prefix);
	}
	return current;
}

describe("a request whose client has gone is abandoned", () => {
	it("a Bulk stops after the client hangs up, instead of running all its operations", async () => {
		const body = JSON.stringify({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
			Operations: Array.from({ length: SCIM_LIMITS.bulkMaxOperations }, (_, i) => ({
				method: "POST",
				path: "/Users",
				bulkId: `b${i}`,
				data: { schemas: [USER_SCHEMA], userName: `gone-bulk-${i}` },
			})),
		});
		await sendAndHangUp("/Bulk", body);
		const created = await settled("gone-bulk-");
		expect(created).toBeLessThan(SCIM_LIMITS.bulkMaxOperations / 2);
		const next = await h.scim("GET", "/Users?count=1");
		expect(next.status).toBe(200);
	}, 300_000);

	it("a body cut off mid-way creates nothing and leaves the server answering", async () => {
		const body = JSON.stringify({
			schemas: [USER_SCHEMA],
			userName: "gone-partial",
			title: "x".repeat(50_000),
		});
		await sendAndHangUp("/Users", body, 20_000);
		await sleep(200);
		expect(await usersNamed("gone-partial")).toBe(0);
		const next = await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName: "after-partial" });
		expect(next.status).toBe(201);
	});

	it("a client that never finishes its headers is cut off (408) instead of holding the socket", async () => {
		const socket = connect(port, "127.0.0.1");
		await once(socket, "connect");
		socket.write("POST /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\nX-Slow: ");
		let answer = "";
		socket.on("data", (chunk: Buffer) => {
			answer += chunk.toString();
		});
		await once(socket, "close");
		expect(answer).toMatch(/^HTTP\/1\.1 408/);
	}, 40_000);
});
