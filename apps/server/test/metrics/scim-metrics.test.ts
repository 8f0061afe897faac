import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { scimConnections, scimTokens } from "@roster/db";
import { auditChainKeyring } from "@roster/domain";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { createLogger } from "../../src/logger.ts";
import { createScimRuntime } from "../../src/scim/index.ts";
import { TEST_SECRET, testConfig } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { type Exposition, parseExposition, samplesOf, sampleValue } from "./exposition.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789abcdef";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

let h: ScimHarness;
let connectionId: string;

async function scrape(app: ScimHarness["app"] = h.app): Promise<Exposition> {
	const res = await app.request("http://roster.test/metrics", {
		headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
	});
	expect(res.status).toBe(200);
	return parseExposition(await res.text());
}

/** How much each sample named `name` with `labels` moved between two scrapes. */
function moved(before: Exposition, after: Exposition, name: string, labels: Record<string, string>): number {
	return (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
}

async function connectionNamed(name: string): Promise<string> {
	const [found] = await h.db.db.select().from(scimConnections).where(eq(scimConnections.name, name));
	if (!found) throw new Error(`no connection ${name}`);
	return found.id;
}

async function createUser(userName: string): Promise<string> {
	const created = await h.scim("POST", "/Users", { schemas: [USER_SCHEMA], userName, active: true });
	expect(created.status).toBe(201);
	return String(created.body?.id);
}

beforeAll(async () => {
	h = await createScimHarness({ config: { metricsToken: METRICS_TOKEN }, logFlushIntervalMs: 3_600_000 });
	connectionId = await connectionNamed("primary");
});

afterAll(async () => {
	await h.close();
});

describe("SCIM request metrics", () => {
	it("counts requests by connection id, endpoint, method and status, and times them", async () => {
		const before = await scrape();
		const id = await createUser("counted@example.com");
		expect(
			(await h.scim("GET", `/Users?filter=${encodeURIComponent('userName eq "counted@example.com"')}`))
				.status,
		).toBe(200);
		expect((await h.scim("GET", `/users/${id}`)).status).toBe(200);
		expect((await h.scim("GET", "/Users/00000000-0000-4000-8000-000000000000")).status).toBe(404);
		expect((await h.scim("GET", "/ServiceProviderConfig")).status).toBe(200);
		const scoped = h.clientFor(h.token, "/organizations/default/scim/v2");
		expect((await scoped("GET", "/Groups")).status).toBe(200);
		expect((await h.clientFor("")("GET", "/Users")).status).toBe(401);
		const after = await scrape();

		const requests = (labels: Record<string, string>) =>
			moved(before, after, "roster_scim_requests_total", labels);
		const connection = connectionId;
		expect(requests({ connection, resource: "Users", method: "POST", status: "201" })).toBe(1);
		expect(requests({ connection, resource: "Users", method: "GET", status: "200" })).toBe(2);
		expect(requests({ connection, resource: "Users", method: "GET", status: "404" })).toBe(1);
		expect(requests({ connection, resource: "ServiceProviderConfig", method: "GET", status: "200" })).toBe(1);
		expect(requests({ connection, resource: "Groups", method: "GET", status: "200" })).toBe(1);
		expect(requests({ connection: "none", resource: "Users", method: "GET", status: "401" })).toBe(1);

		const timed = (suffix: string, labels: Record<string, string>) =>
			moved(before, after, `roster_scim_request_duration_seconds${suffix}`, labels);
		expect(timed("_count", { resource: "Users", method: "GET" })).toBe(4);
		expect(timed("_bucket", { resource: "Users", method: "GET", le: "+Inf" })).toBe(4);
		expect(timed("_sum", { resource: "Users", method: "GET" })).toBeGreaterThan(0);
		expect(timed("_count", { resource: "Users", method: "POST" })).toBe(1);
	});

	it("times the requests that deactivate or delete a user, and only those", async () => {
		const deactivated = await createUser("leaver@example.com");
		const replaced = await createUser("stayer@example.com");
		const deleted = await createUser("deleted@example.com");
		const viaBulk = await createUser("bulk-leaver@example.com");
		const before = await scrape();
		const deactivate = { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: false }] };
		expect((await h.scim("PATCH", `/Users/${deactivated}`, deactivate)).status).toBe(200);
		expect((await h.scim("PATCH", `/Users/${deactivated}`, deactivate)).status).toBe(200);
		const stays = {
			schemas: [USER_SCHEMA],
			userName: "stayer@example.com",
			displayName: "Stays",
			active: true,
		};
		expect((await h.scim("PUT", `/Users/${replaced}`, stays)).status).toBe(200);
		expect((await h.scim("DELETE", `/Users/${deleted}`)).status).toBe(204);
		expect((await h.scim("DELETE", `/Users/${deleted}`)).status).toBe(404);
		const bulk = await h.scim("POST", "/Bulk", {
			schemas: [BULK_REQUEST],
			Operations: [{ method: "PATCH", path: `/Users/${viaBulk}`, data: deactivate }],
		});
		expect(bulk.status).toBe(200);
		const after = await scrape();

		const deprovisions = (method: string) =>
			moved(before, after, "roster_scim_deprovision_duration_seconds_count", { method });
		expect(deprovisions("PATCH")).toBe(1);
		expect(deprovisions("DELETE")).toBe(1);
		expect(deprovisions("PUT")).toBe(0);
		expect(deprovisions("POST")).toBe(1);
		expect(
			moved(before, after, "roster_scim_deprovision_duration_seconds_bucket", {
				method: "PATCH",
				le: "+Inf",
			}),
		).toBe(1);
	});

	it("counts rate-limit rejections by limiter, every limiter listed from the start", async () => {
		const first = await scrape();
		for (const limiter of ["address", "address-failures", "connection"]) {
			expect(sampleValue(first, "roster_scim_rate_limit_rejections_total", { limiter })).toBeTypeOf("number");
		}
		const throttled = h.clientFor(await h.issueToken("default", "throttled"));
		const throttledId = await connectionNamed("throttled");
		await h.db.db
			.update(scimConnections)
			.set({ settings: { rateLimit: { requestsPerSecond: 25 } } })
			.where(eq(scimConnections.id, throttledId));
		const replies = await Promise.all(
			Array.from({ length: 40 }, () => throttled("GET", "/ServiceProviderConfig")),
		);
		const refused = replies.filter((reply) => reply.status === 429).length;
		expect(refused).toBeGreaterThan(0);
		const after = await scrape();
		expect(moved(first, after, "roster_scim_rate_limit_rejections_total", { limiter: "connection" })).toBe(
			refused,
		);
		expect(moved(first, after, "roster_scim_rate_limit_rejections_total", { limiter: "address" })).toBe(0);
		expect(
			sampleValue(after, "roster_scim_requests_total", {
				connection: throttledId,
				resource: "ServiceProviderConfig",
				method: "GET",
				status: "429",
			}),
		).toBe(refused);
	});

	it("counts the per-address refusals of requests that came over a socket", async () => {
		const runtime = createScimRuntime({
			db: h.db,
			logger: createLogger({ level: "silent" }),
			addressBudgets: { requestsPerSecond: 4, failedAuthentications: 3 },
		});
		const app = createApp({
			db: h.db,
			config: testConfig({ metricsToken: METRICS_TOKEN }),
			logger: createLogger({ level: "silent" }),
			scim: runtime,
		});
		const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
		await new Promise<void>((resolve) => server.once("listening", () => resolve()));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2/ServiceProviderConfig`;
		const send = async (token: string) =>
			(await fetch(base, { headers: { Authorization: `Bearer ${token}` } })).status;
		try {
			const flood = await Promise.all(Array.from({ length: 12 }, () => send(h.token)));
			const perSecond = flood.filter((status) => status === 429).length;
			expect(perSecond).toBeGreaterThan(0);
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const failures: number[] = [];
			for (let i = 0; i < 5; i++) failures.push(await send("rst_scim_wrong"));
			expect(failures).toEqual([401, 401, 401, 429, 429]);
			const refused = await scrape(app);
			const rejections = (limiter: string) =>
				sampleValue(refused, "roster_scim_rate_limit_rejections_total", { limiter });
			expect(rejections("address")).toBe(perSecond);
			expect(rejections("address-failures")).toBe(2);
			expect(rejections("connection")).toBe(0);
			expect(
				sampleValue(refused, "roster_scim_requests_total", {
					connection: "none",
					resource: "ServiceProviderConfig",
					method: "GET",
					status: "429",
				}),
			).toBe(perSecond + 2);
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
			await runtime.close();
		}
	});

	it("reports the provisioning-log rows waiting to be written", async () => {
		await h.runtime.activity.flush();
		expect(sampleValue(await scrape(), "roster_provisioning_log_pending_rows")).toBe(0);
		for (let i = 0; i < 3; i++) expect((await h.scim("GET", "/ResourceTypes")).status).toBe(200);
		expect((await h.clientFor("")("GET", "/ResourceTypes")).status).toBe(401);
		expect(sampleValue(await scrape(), "roster_provisioning_log_pending_rows")).toBe(3);
		await h.runtime.activity.flush();
		expect(sampleValue(await scrape(), "roster_provisioning_log_pending_rows")).toBe(0);
	});

	it("reports the unsealed audit events and the age of the oldest, and 0 once sealed", async () => {
		await createUser("audited@example.com");
		await new Promise((resolve) => setTimeout(resolve, 50));
		const behind = await scrape();
		expect(sampleValue(behind, "roster_audit_unsealed_events")).toBeGreaterThanOrEqual(1);
		expect(sampleValue(behind, "roster_audit_sealer_lag_seconds")).toBeGreaterThanOrEqual(0.05);
		expect(await sealAuditEvents(h.db.db, auditChainKeyring(TEST_SECRET))).toBeGreaterThanOrEqual(1);
		const sealed = await scrape();
		expect(sampleValue(sealed, "roster_audit_unsealed_events")).toBe(0);
		expect(sampleValue(sealed, "roster_audit_sealer_lag_seconds")).toBe(0);
	});

	it("leaves out a database read that takes over a second, and reads again once it answers", async () => {
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		let locked = () => {};
		const lockTaken = new Promise<void>((resolve) => {
			locked = resolve;
		});
		const holding = h.db.db.transaction(async (tx) => {
			await tx.execute(sql`lock table audit_events in access exclusive mode`);
			locked();
			await held;
		});
		await lockTaken;
		const started = performance.now();
		const stalled = await scrape();
		expect(performance.now() - started).toBeLessThan(3000);
		expect(sampleValue(stalled, "roster_audit_sealer_lag_seconds")).toBeUndefined();
		expect(sampleValue(stalled, "roster_audit_unsealed_events")).toBeUndefined();
		release();
		await holding;
		expect(sampleValue(await scrape(), "roster_audit_sealer_lag_seconds")).toBeTypeOf("number");
	});

	it("reports when each callable connection last sent a request, and its name", async () => {
		const startedAt = Date.now() / 1000;
		expect((await h.scim("GET", "/Schemas")).status).toBe(200);
		await h.runtime.activity.flush();
		const quiet = await h.issueToken("default", "never-called");
		const quietId = await connectionNamed("never-called");
		await h.issueToken("default", "revoked");
		const revokedId = await connectionNamed("revoked");
		await h.db.db
			.update(scimTokens)
			.set({ revokedAt: new Date() })
			.where(eq(scimTokens.connectionId, revokedId));
		const found = await scrape();

		const lastRequest = (connection: string) =>
			sampleValue(found, "roster_scim_connection_last_request_timestamp_seconds", { connection });
		expect(lastRequest(connectionId)).toBeGreaterThanOrEqual(Math.floor(startedAt));
		expect(lastRequest(connectionId)).toBeLessThanOrEqual(Date.now() / 1000 + 1);
		const [created] = await h.db.db
			.select({ at: scimTokens.createdAt })
			.from(scimTokens)
			.where(eq(scimTokens.connectionId, quietId));
		expect(quiet).toMatch(/^rst_scim_/);
		expect(lastRequest(quietId)).toBeCloseTo((created?.at.getTime() ?? 0) / 1000, 2);
		expect(lastRequest(revokedId)).toBeUndefined();
		expect(
			sampleValue(found, "roster_scim_connection_info", {
				connection: connectionId,
				organization: "default",
				name: "primary",
			}),
		).toBe(1);
	});

	it("creates no label values from unknown paths, bogus tokens or odd methods", async () => {
		const seriesOf = (exposition: Exposition) =>
			new Set(
				[
					...samplesOf(exposition, "roster_scim_requests_total"),
					...samplesOf(exposition, "roster_scim_request_duration_seconds_count"),
				].map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`),
			);
		const before = await scrape();
		const hostile: string[] = [];
		for (let i = 0; i < 12; i++) {
			const noise = randomBytes(6).toString("hex");
			hostile.push(noise);
			const bogus = h.clientFor(`rst_scim_${noise}`);
			expect((await bogus("GET", `/${noise}`)).status).toBe(401);
			expect((await bogus("GET", `/Users/${noise}`)).status).toBe(401);
			expect((await h.scim("GET", `/${noise}/Users`)).status).toBe(404);
			const res = await h.app.request(`http://roster.test/scim/v2/Users?x=${noise}`, { method: `X${noise}` });
			expect(res.status).toBeGreaterThanOrEqual(400);
		}
		const after = await scrape();
		const added = [...seriesOf(after)].filter((series) => !seriesOf(before).has(series));
		expect(added.length).toBeLessThanOrEqual(8);
		for (const sample of [
			...samplesOf(after, "roster_scim_requests_total"),
			...samplesOf(after, "roster_scim_request_duration_seconds_count"),
		]) {
			expect(["GET", "POST", "PUT", "PATCH", "DELETE", "other"]).toContain(sample.labels.method);
			expect([
				"Users",
				"Groups",
				"Bulk",
				"ServiceProviderConfig",
				"ResourceTypes",
				"Schemas",
				".search",
				"other",
			]).toContain(sample.labels.resource);
		}
		const connections = new Set(
			samplesOf(after, "roster_scim_requests_total").map((s) => s.labels.connection),
		);
		const known = await h.db.db.select({ id: scimConnections.id }).from(scimConnections);
		expect([...connections].every((id) => id === "none" || known.some((row) => row.id === id))).toBe(true);
		const text = JSON.stringify(after.samples);
		for (const noise of hostile) expect(text).not.toContain(noise);
	});

	it("keeps one registry per app: another app on the same database counts only its own requests", async () => {
		const other = createApp({
			db: h.db,
			config: testConfig({ metricsToken: METRICS_TOKEN }),
			logger: createLogger({ level: "silent" }),
			scim: h.runtime,
		});
		expect(samplesOf(await scrape(other), "roster_scim_requests_total")).toEqual([]);
		const res = await other.request("http://roster.test/scim/v2/Schemas", {
			headers: { Authorization: `Bearer ${h.token}` },
		});
		expect(res.status).toBe(200);
		const counted = await scrape(other);
		expect(samplesOf(counted, "roster_scim_requests_total").map((sample) => sample.value)).toEqual([1]);
		expect(sampleValue(await scrape(), "roster_scim_requests_total", { resource: "Schemas" })).toBe(1);
	});
});

describe("metrics read from an unavailable database", () => {
	it("are left out of the scrape, which still answers", async () => {
		const broken = await createScimHarness({ config: { metricsToken: METRICS_TOKEN } });
		await broken.db.close();
		const exposition = await scrape(broken.app);
		expect(sampleValue(exposition, "roster_audit_sealer_lag_seconds")).toBeUndefined();
		expect(sampleValue(exposition, "roster_audit_unsealed_events")).toBeUndefined();
		expect(samplesOf(exposition, "roster_scim_connection_info")).toEqual([]);
		expect(sampleValue(exposition, "roster_provisioning_log_pending_rows")).toBe(0);
		expect(samplesOf(exposition, "process_cpu_user_seconds_total")).toHaveLength(1);
		await broken.close();
	});
});
