import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { ConfigError, parseConfig } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { killServers, openSharedDatabase, spawnServer, testConfig } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { exposedNames, parseExposition } from "./exposition.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789abcdef";

let h: ScimHarness;
let consoleDir: string;

beforeAll(async () => {
	h = await createScimHarness();
	consoleDir = mkdtempSync(join(tmpdir(), "roster-console-"));
	writeFileSync(join(consoleDir, "index.html"), "<!doctype html><title>Roster console</title>");
});

afterAll(async () => {
	await h.close();
});

afterEach(killServers);

function appWith(metricsToken: string | undefined) {
	return createApp({
		db: h.db,
		config: testConfig({ metricsToken }),
		logger: createLogger({ level: "silent" }),
		scim: h.runtime,
		consoleDir,
	});
}

describe("GET /metrics on the main port", () => {
	it("does not exist without METRICS_TOKEN, not even as the console's page", async () => {
		const app = appWith(undefined);
		for (const accept of ["text/plain", "text/html"]) {
			const res = await app.request("/metrics", { headers: { Accept: accept } });
			expect(res.status).toBe(404);
			expect(await res.text()).not.toContain("Roster console");
		}
	});

	it("answers 401 with a Bearer challenge to a missing, malformed or wrong token", async () => {
		const app = appWith(METRICS_TOKEN);
		for (const authorization of [
			undefined,
			"Basic bWV0cmljczp4",
			`Bearer ${METRICS_TOKEN}x`,
			`Bearer ${METRICS_TOKEN.slice(0, -1)}`,
			`Bearer ${h.token}`,
			`Bearer ${"x".repeat(600)}`,
		]) {
			const res = await app.request("/metrics", {
				headers: authorization ? { Authorization: authorization } : {},
			});
			expect(res.status, String(authorization)).toBe(401);
			expect(res.headers.get("www-authenticate")).toBe('Bearer realm="roster-metrics"');
			const text = await res.text();
			expect(text).not.toContain("roster_");
			expect(text).not.toContain(METRICS_TOKEN);
		}
	});

	it("serves the Prometheus text format, Node's process metrics included, to the token", async () => {
		const res = await appWith(METRICS_TOKEN).request("/metrics", {
			headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
		expect(res.headers.get("cache-control")).toBe("no-store");
		const text = await res.text();
		expect(text).not.toContain(METRICS_TOKEN);
		expect(text).not.toContain(h.token);
		const names = exposedNames(parseExposition(text));
		for (const name of [
			"roster_scim_requests_total",
			"roster_scim_request_duration_seconds_bucket",
			"roster_scim_deprovision_duration_seconds_count",
			"roster_scim_rate_limit_rejections_total",
			"roster_provisioning_log_pending_rows",
			"roster_audit_unsealed_events",
			"roster_audit_sealer_lag_seconds",
			"roster_scim_connection_last_request_timestamp_seconds",
			"roster_scim_connection_info",
			"process_cpu_user_seconds_total",
			"nodejs_eventloop_lag_p99_seconds",
			"nodejs_heap_size_used_bytes",
		]) {
			expect(names, name).toContain(name);
		}
	});
});

describe("metrics configuration", () => {
	const base = { ROSTER_SECRET: "x".repeat(32), DATABASE_URL: "memory://" };

	it("is off by default, the listener bound to loopback when it is turned on", () => {
		const config = parseConfig(base, "/");
		expect(config).toMatchObject({
			metricsToken: undefined,
			metricsPort: undefined,
			metricsHost: "127.0.0.1",
		});
		expect(parseConfig({ ...base, METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" }, "/")).toMatchObject({
			metricsPort: 9464,
			metricsHost: "0.0.0.0",
		});
	});

	it("refuses a short or unusable METRICS_TOKEN and a bad METRICS_PORT without echoing the token", () => {
		for (const token of ["short", `${"a".repeat(40)} b`, `${"a".repeat(40)}é`]) {
			let refusal: unknown;
			try {
				parseConfig({ ...base, METRICS_TOKEN: token }, "/");
			} catch (error) {
				refusal = error;
			}
			expect(refusal).toBeInstanceOf(ConfigError);
			expect((refusal as Error).message).toMatch(/^Invalid configuration: METRICS_TOKEN must be 32 to 512/);
			expect((refusal as Error).message).not.toContain(token);
		}
		expect(() => parseConfig({ ...base, METRICS_PORT: "70000" }, "/")).toThrow(/METRICS_PORT/);
	});
});

describe("the metrics listener (METRICS_PORT)", () => {
	it("serves /metrics without a token on its own port, and nothing else", async () => {
		const database = await openSharedDatabase("roster-metrics-");
		try {
			const server = spawnServer({
				DATABASE_URL: database.url,
				METRICS_PORT: "0",
				METRICS_HOST: "127.0.0.1",
			});
			const [, metricsUrl] = await server.waitFor(
				/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"metrics listener/,
			);
			const [, mainUrl] = await server.waitFor(
				/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"Roster is listening/,
			);
			expect(metricsUrl).not.toBe(mainUrl);
			const scraped = await fetch(`${metricsUrl}/metrics`);
			expect(scraped.status).toBe(200);
			const names = exposedNames(parseExposition(await scraped.text()));
			expect(names).toContain("roster_scim_requests_total");
			expect(names).toContain("roster_audit_sealer_lag_seconds");
			expect(names).toContain("process_resident_memory_bytes");
			expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(404);
			expect((await fetch(`${metricsUrl}/scim/v2/Users`)).status).toBe(404);
			expect((await fetch(`${mainUrl}/metrics`)).status).toBe(404);
			server.child.kill("SIGTERM");
			expect(await server.exited).toBe(0);
		} finally {
			await database.close();
		}
	});
});
