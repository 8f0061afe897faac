import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { scimConnections } from "@roster/db";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../bench/server.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

/**
 * Far above the 200 ms command timeout (and what a loaded machine adds), far below the pause: a hang
 * bound, not a speed goal.
 */
const ANSWER_BOUND_MS = 5000;
const STARTUP_TIMEOUT_MS = 10_000;
/** Longer than the whole test takes, so every request and the close run against the paused Redis. */
const PAUSE_MS = 30_000;

/**
 * A Redis of this test's own, so pausing it stalls nobody else's tests. A missing `redis-server` fails
 * the test (spawn error) instead of skipping it.
 */
async function startPrivateRedis(): Promise<{ url: string; process: ChildProcess }> {
	const port = await freePort();
	const child = spawn(
		"redis-server",
		["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
		{
			stdio: "ignore",
		},
	);
	let fatal: Error | undefined;
	child.once("error", (error) => {
		fatal = new Error(`cannot start redis-server: ${error.message}`);
	});
	child.once("exit", (code) => {
		fatal ??= new Error(`redis-server exited with ${code}`);
	});
	const url = `redis://127.0.0.1:${port}`;
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	for (;;) {
		const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
		probe.on("error", () => {});
		try {
			await probe.connect();
			await probe.ping();
			break;
		} catch (error) {
			if (fatal || Date.now() > deadline) {
				child.kill("SIGKILL");
				throw fatal ?? error;
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		} finally {
			probe.disconnect();
		}
	}
	return { url, process: child };
}

describe("rate limits when Redis stops answering (CLIENT PAUSE)", () => {
	let redis: { url: string; process: ChildProcess };
	let admin: Redis;
	let h: ScimHarness;
	let closed = false;

	beforeAll(async () => {
		redis = await startPrivateRedis();
		admin = new Redis(redis.url);
		h = await createScimHarness({ redisUrl: redis.url });
		await h.db.db.update(scimConnections).set({ settings: { rateLimit: { requestsPerSecond: 25 } } });
	});

	afterAll(async () => {
		if (!closed) await h?.close();
		admin?.disconnect();
		redis?.process.kill("SIGKILL");
	});

	/** Sends requests until the runtime has connected and keeps its budgets in the private Redis. */
	async function budgetsInRedis(): Promise<void> {
		const deadline = Date.now() + STARTUP_TIMEOUT_MS;
		while ((await admin.dbsize()) === 0) {
			if (Date.now() > deadline) throw new Error("the SCIM runtime never wrote its budgets to Redis");
			expect((await h.scim("GET", "/ServiceProviderConfig")).status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	it("answers promptly from the in-process limiter, still throttling, and closes without hanging", async () => {
		await budgetsInRedis();
		const unthrottled = await h.issueToken("default", "over-a-socket");
		expect(await admin.client("PAUSE", PAUSE_MS, "ALL")).toBe("OK");

		const timed = await Promise.all(
			Array.from({ length: 40 }, async () => {
				const started = performance.now();
				const reply = await h.scim("GET", "/ServiceProviderConfig");
				return { status: reply.status, ms: performance.now() - started };
			}),
		);
		for (const { ms } of timed) expect(ms).toBeLessThan(ANSWER_BOUND_MS);
		expect(timed.filter((reply) => reply.status === 200).length).toBeGreaterThanOrEqual(20);
		expect(timed.filter((reply) => reply.status === 429).length).toBeGreaterThan(0);

		const server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" });
		await new Promise<void>((resolve) => server.once("listening", () => resolve()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2/ServiceProviderConfig`;
		try {
			for (const [token, status] of [
				["rst_scim_not_a_token", 401],
				[unthrottled, 200],
			] as const) {
				const started = performance.now();
				const reply = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
				await reply.arrayBuffer();
				expect(performance.now() - started).toBeLessThan(ANSWER_BOUND_MS);
				expect(reply.status).toBe(status);
			}
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}

		const closing = performance.now();
		await h.close();
		closed = true;
		expect(performance.now() - closing).toBeLessThan(ANSWER_BOUND_MS);
	});
});
