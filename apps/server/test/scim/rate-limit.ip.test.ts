import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { ConfigError, parseConfig } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { createScimRuntime, type ScimRuntime } from "../../src/scim/index.ts";
import { type AddressBudgets, SCIM_ADDRESS_BUDGETS } from "../../src/scim/rate-limit.ts";
import { TEST_SECRET, testConfig } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const redisUrl = process.env.TEST_REDIS_URL;
const backends: [string, string | undefined][] = [["in-process", undefined]];
if (redisUrl) backends.push(["Redis", redisUrl]);

const FAILURES = SCIM_ADDRESS_BUDGETS.failedAuthentications;
/** Until a new runtime has connected, its budgets live in process; the tests want them in Redis. */
const REDIS_CONNECT_MS = 500;

/** A random byte, so addresses (and their budgets in a shared Redis) are this run's own. */
const octet = () => 1 + Math.floor(Math.random() * 254);
/** A loopback source address of its own: Linux answers the whole 127.0.0.0/8 on `lo`. */
const loopback = () => `127.${octet()}.${octet()}.${octet()}`;

interface Reply {
	status: number;
	retryAfter: string | undefined;
	body: Record<string, unknown>;
}

interface Server {
	runtime: ScimRuntime;
	port: number;
	close(): Promise<void>;
}

describe.each(backends)("per-address budgets in front of authentication (%s)", (_label, redis) => {
	let h: ScimHarness;
	const servers: Server[] = [];

	beforeAll(async () => {
		h = await createScimHarness();
	});
	afterAll(async () => {
		for (const server of servers) await server.close();
		await h.close();
	});

	/** The real app on a real socket, so the client address comes from the TCP connection. */
	async function listen(options: {
		trustedProxies?: string;
		addressBudgets?: Partial<AddressBudgets>;
	}): Promise<Server> {
		const logger = createLogger({ level: "silent" });
		const runtime = createScimRuntime({
			db: h.db,
			logger,
			redisUrl: redis,
			addressBudgets: options.addressBudgets,
		});
		const config = parseConfig(
			{ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET, TRUSTED_PROXIES: options.trustedProxies },
			"/",
		);
		const app = createApp({
			db: h.db,
			config: { ...testConfig(), trustedProxies: config.trustedProxies },
			logger,
			scim: runtime,
		});
		if (redis) await new Promise((resolve) => setTimeout(resolve, REDIS_CONNECT_MS));
		const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
		await new Promise<void>((resolve) => server.once("listening", () => resolve()));
		const listening: Server = {
			runtime,
			port: (server.address() as AddressInfo).port,
			async close() {
				await new Promise<void>((resolve) => server.close(() => resolve()));
				await runtime.close();
			},
		};
		servers.push(listening);
		return listening;
	}

	function send(server: Server, from: string, token: string, forwardedFor?: string): Promise<Reply> {
		return new Promise((resolve, reject) => {
			const req = request(
				{
					host: "127.0.0.1",
					port: server.port,
					localAddress: from,
					agent: false,
					path: "/scim/v2/ServiceProviderConfig",
					headers: {
						Authorization: `Bearer ${token}`,
						...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
					},
				},
				(res) => {
					let text = "";
					res.setEncoding("utf8");
					res.on("data", (part: string) => {
						text += part;
					});
					res.on("end", () =>
						resolve({
							status: res.statusCode ?? 0,
							retryAfter: res.headers["retry-after"],
							body: JSON.parse(text) as Record<string, unknown>,
						}),
					);
				},
			);
			req.on("error", reject);
			req.end();
		});
	}

	const badTokens = (server: Server, from: string, forwardedFor?: string) =>
		Promise.all(
			Array.from({ length: FAILURES }, (_, i) => send(server, from, `rst_scim_bad_${i}`, forwardedFor)),
		);

	it("refuses an address that failed authentication too often, before reading any token", async () => {
		const server = await listen({});
		const attacker = loopback();
		expect((await badTokens(server, attacker)).map((reply) => reply.status)).toEqual(
			Array(FAILURES).fill(401),
		);
		const refused = await send(server, attacker, "rst_scim_bad_again");
		expect(refused.status).toBe(429);
		expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
		expect(refused.body).toMatchObject({
			schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
			status: "429",
			detail: expect.stringContaining("failed authentications"),
		});
		expect((await send(server, attacker, h.token)).status).toBe(429);
		expect((await send(server, loopback(), h.token)).status).toBe(200);
	});

	it("ignores a client's own X-Forwarded-For unless its peer is a trusted proxy", async () => {
		const server = await listen({});
		const attacker = loopback();
		await badTokens(server, attacker, "198.51.100.7");
		expect((await send(server, attacker, h.token, `198.51.100.${octet()}`)).status).toBe(429);
	});

	it("spends one request of the address budget per request, whatever its token", async () => {
		const server = await listen({ addressBudgets: { requestsPerSecond: 5 } });
		const other = await h.issueToken("default", "same-address");
		const busy = loopback();
		const replies = await Promise.all(
			Array.from({ length: 20 }, (_, i) => send(server, busy, i % 2 === 0 ? h.token : other)),
		);
		const refused = replies.filter((reply) => reply.status === 429);
		expect(refused.length).toBeGreaterThan(0);
		expect(refused[0]?.body).toMatchObject({ detail: expect.stringContaining("from this address") });
		expect((await send(server, loopback(), h.token)).status).toBe(200);
	});

	it("behind a trusted proxy, budgets the address the proxy forwarded for", async () => {
		const server = await listen({ trustedProxies: "127.0.0.0/8" });
		const proxy = loopback();
		const attacker = `10.${octet()}.${octet()}.${octet()}`;
		await badTokens(server, proxy, attacker);
		expect((await send(server, proxy, h.token, attacker)).status).toBe(429);
		expect((await send(server, proxy, h.token, `203.0.113.1, ${attacker}`)).status).toBe(429);
		expect((await send(server, proxy, h.token, `10.${octet()}.${octet()}.0`)).status).toBe(200);
		expect((await send(server, proxy, h.token)).status).toBe(200);
	});

	it("keys IPv6 clients by their /64", async () => {
		const server = await listen({ trustedProxies: "127.0.0.1/8" });
		const site = `2001:db8:${octet().toString(16)}`;
		const net = `${site}:1`;
		await Promise.all(
			Array.from({ length: FAILURES }, (_, i) =>
				send(server, "127.0.0.1", `rst_scim_bad_${i}`, `${net}::${(i + 1).toString(16)}`),
			),
		);
		expect((await send(server, "127.0.0.1", h.token, `[${net}:0:0:0:ffff]:443`)).status).toBe(429);
		expect((await send(server, "127.0.0.1", h.token, `${site}:2::1`)).status).toBe(200);
	});
});

describe("TRUSTED_PROXIES", () => {
	it("reads addresses and CIDR ranges of both families", () => {
		const config = parseConfig(
			{
				DATABASE_URL: "memory://",
				ROSTER_SECRET: TEST_SECRET,
				TRUSTED_PROXIES: " 10.0.0.0/8, 192.168.1.7,fd00::/8",
			},
			"/",
		);
		expect(config.trustedProxies).toEqual([
			{ address: "10.0.0.0", prefix: 8, family: "ipv4" },
			{ address: "192.168.1.7", prefix: 32, family: "ipv4" },
			{ address: "fd00::", prefix: 8, family: "ipv6" },
		]);
		expect(
			parseConfig({ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET }, "/").trustedProxies,
		).toEqual([]);
	});

	it.each(["proxy.internal", "10.0.0.0/33", "10.0.0.0/8/8", "10.0.0.0/x", "::1/129"])(
		"refuses %s",
		(entry) => {
			const run = () =>
				parseConfig({ DATABASE_URL: "memory://", ROSTER_SECRET: TEST_SECRET, TRUSTED_PROXIES: entry }, "/");
			expect(run).toThrow(ConfigError);
			expect(run).toThrow(/TRUSTED_PROXIES/);
		},
	);
});
