import { rows, webhookEndpoints } from "@roster/db";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import {
	type DeliveryOptions,
	type DeliveryOutcome,
	deliverDueWebhooks,
	retryDelayMs,
} from "../../src/events/delivery.ts";
import { createWebhookEndpoint } from "../../src/events/webhook-endpoints.ts";
import { keyring, provision, within } from "../audit/fixtures.ts";
import { TEST_SECRET } from "../helpers.ts";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "../trpc/harness.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";

let h: ConsoleHarness;
let receiver: Receiver;
let outcomes: DeliveryOutcome[];
beforeAll(async () => {
	h = await createConsoleHarness();
	receiver = await startReceiver();
});
afterAll(async () => {
	await receiver.close();
	await h.close();
});
// Each case delivers only to the endpoints it creates: earlier cases' endpoints are paused.
beforeEach(async () => {
	await h.db.db.update(webhookEndpoints).set({ enabled: false });
	receiver.received.length = 0;
	receiver.respond = () => ({ status: 204 });
	outcomes = [];
});

function options(overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
	return {
		db: h.db.db,
		secret: TEST_SECRET,
		policy: { allowPrivateNetworks: true },
		timeoutMs: 2000,
		retryBaseMs: 20,
		onAttempt: (outcome) => outcomes.push(outcome),
		...overrides,
	};
}

/** Seals, then runs delivery passes until `done` holds (retries are due after their backoff). */
async function deliverUntil(done: () => boolean, overrides: Partial<DeliveryOptions> = {}) {
	await sealAuditEvents(h.db.db, keyring);
	await within(10_000, "webhook delivery", async () => {
		await deliverDueWebhooks(options(overrides));
		return done();
	});
}

/** An organization with its own admin, SCIM client and one endpoint pointing at the receiver. */
async function tenant(slug: string, url = receiver.url) {
	const admin = await h.adminOf(slug);
	const token = await h.issueToken(slug, "okta", "okta");
	const created = await admin.client.webhooks.create.mutate({ url, description: "host app" });
	return {
		admin,
		scim: h.clientFor(token),
		endpoint: created.endpoint,
		signingSecret: created.signingSecret,
	};
}

const parsed = (index: number) =>
	JSON.parse(receiver.received[index]?.body ?? "{}") as Record<string, unknown>;

describe(`webhook delivery (${database})`, () => {
	it("delivers each event once, in order, signed per Standard Webhooks, and logs every delivery", async () => {
		const { admin, scim, endpoint, signingSecret } = await tenant("hooks-order");
		expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		const [ada] = await provision(scim, ["ada@example.com", "bob@example.com"]);
		const off = await scim("PATCH", `/Users/${ada}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		expect(off.status).toBe(200);
		await deliverUntil(() => receiver.received.length >= 3);

		const verifier = new Webhook(signingSecret);
		const bodies = receiver.received.map((request) => {
			const headers = Object.fromEntries(
				["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [
					name,
					String(request.headers[name]),
				]),
			);
			return verifier.verify(request.body, headers) as {
				id: string;
				type: string;
				data: { subject: { name: string } };
			};
		});
		expect(bodies.map((body) => [body.type, body.data.subject.name])).toEqual([
			["user.provisioned", "ada@example.com"],
			["user.provisioned", "bob@example.com"],
			["user.deprovisioned", "ada@example.com"],
		]);
		expect(receiver.received.map((request) => request.headers["webhook-id"])).toEqual(
			bodies.map((body) => body.id),
		);
		expect(() =>
			new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(
				receiver.received[0]?.body ?? "",
				{
					"webhook-id": String(receiver.received[0]?.headers["webhook-id"]),
					"webhook-timestamp": String(receiver.received[0]?.headers["webhook-timestamp"]),
					"webhook-signature": String(receiver.received[0]?.headers["webhook-signature"]),
				},
			),
		).toThrow();

		// Nothing is sent twice, and the feed and the webhooks name events alike.
		await deliverDueWebhooks(options());
		expect(receiver.received).toHaveLength(3);
		const log = await admin.client.webhooks.deliveries.query({ id: endpoint.id });
		expect(log.map((entry) => [entry.messageId, entry.ok, entry.statusCode])).toEqual(
			[...bodies].reverse().map((body) => [body.id, true, 204]),
		);
		const [listed] = await admin.client.webhooks.list.query();
		expect(listed?.deliveredThrough).toBe(bodies[2]?.id);
		expect(JSON.stringify(listed)).not.toContain("whsec_");
		const [stored] = await rows<{ secret_sealed: string }>(
			h.db.db,
			sql`select secret_sealed from webhook_endpoints where id = ${endpoint.id}`,
		);
		expect(stored?.secret_sealed).not.toContain(signingSecret.slice(6, 20));
		expect(outcomes.every((outcome) => outcome.ok && (outcome.lagSeconds ?? -1) >= 0)).toBe(true);
	});

	it("retries a failing receiver with backoff and the same webhook-id, never sending what comes after first", async () => {
		const { admin, scim, endpoint } = await tenant("hooks-retry");
		receiver.respond = (_request, index) =>
			index < 2 ? { status: 503, body: "x".repeat(2000) } : { status: 200 };
		await provision(scim, ["first@example.com", "second@example.com"]);
		await deliverUntil(() => receiver.received.length >= 4);
		const ids = receiver.received.map((request) => request.headers["webhook-id"]);
		expect(ids[0]).toBe(ids[1]);
		expect(ids[1]).toBe(ids[2]);
		expect(ids[3]).not.toBe(ids[2]);
		expect(
			receiver.received.map((_, index) => (parsed(index).data as { subject: { name: string } }).subject.name),
		).toEqual(["first@example.com", "first@example.com", "first@example.com", "second@example.com"]);
		const log = await admin.client.webhooks.deliveries.query({ id: endpoint.id });
		expect(log.map((entry) => [entry.attempt, entry.ok, entry.statusCode]).reverse()).toEqual([
			[1, false, 503],
			[2, false, 503],
			[3, true, 200],
			[1, true, 200],
		]);
		expect(log.at(-1)?.responseBody).toHaveLength(512);
		expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.failure)).toEqual([
			"5xx",
			"5xx",
		]);
		expect([1, 2, 3, 40].map((attempt) => retryDelayMs(1000, attempt))).toEqual([
			1000, 2000, 4000, 3_600_000,
		]);
	});

	it("times out a receiver that never answers and replays a logged delivery on request", async () => {
		const { admin, scim, endpoint } = await tenant("hooks-timeout");
		receiver.respond = () => "hang";
		await provision(scim, ["slow@example.com"]);
		await sealAuditEvents(h.db.db, keyring);
		await deliverDueWebhooks(options({ timeoutMs: 200 }));
		expect(outcomes.map((outcome) => outcome.failure)).toEqual(["timeout"]);
		const [failed] = await admin.client.webhooks.deliveries.query({ id: endpoint.id });
		expect(failed?.error).toMatch(/no answer within 200 ms/);
		receiver.respond = () => ({ status: 202 });
		const replayed = await admin.client.webhooks.replay.mutate({
			id: endpoint.id,
			deliveryId: failed?.id ?? 0,
		});
		expect(replayed).toEqual({ ok: true, statusCode: 202, error: null });
		expect(receiver.received.at(-1)?.headers["webhook-id"]).toBe(receiver.received[0]?.headers["webhook-id"]);
		const [latest] = await admin.client.webhooks.deliveries.query({ id: endpoint.id });
		expect(latest).toMatchObject({ replay: true, ok: true, statusCode: 202 });
	});

	it("coalesces a burst into one summary event with counts and the feed range", async () => {
		const { scim, endpoint } = await tenant("hooks-flood");
		const [user] = await provision(scim, ["busy@example.com"]);
		const [row] = await rows<{ org_id: string }>(
			h.db.db,
			sql`select org_id::text from webhook_endpoints where id = ${endpoint.id}`,
		);
		await h.db.db.execute(sql`insert into audit_events (org_id, actor_type, action, entity_type, entity_id, entity_name)
			select ${row?.org_id}, 'scim_connection', 'SCIM_USER_UPDATED', 'User', ${user}, 'busy@example.com' from generate_series(1, 150)`);
		await deliverUntil(() => receiver.received.length >= 1, { floodThreshold: 120 });
		await deliverDueWebhooks(options({ floodThreshold: 120 }));
		expect(receiver.received).toHaveLength(1);
		const summary = parsed(0) as {
			type: string;
			data: { counts: Record<string, number>; after: string; through: string; feed: string };
		};
		expect(summary.type).toBe("events.coalesced");
		expect(summary.data.counts).toEqual({ "user.provisioned": 1, "user.updated": 150 });
		expect(summary.data.feed).toBe(`/api/v1/events?after=${summary.data.after}`);
		const [endpointRow] = await h.db.db
			.select()
			.from(webhookEndpoints)
			.where(sql`${webhookEndpoints.id} = ${endpoint.id}`);
		expect(`evt_${endpointRow?.cursor}`).toBe(summary.data.through);
	});

	it("refuses plain http and private targets unless allowed, at creation and again after DNS at delivery", async () => {
		const admin = await h.adminOf("hooks-ssrf");
		const strict = { allowPrivateNetworks: false };
		const create = (url: string) =>
			createWebhookEndpoint(h.db.db, {
				orgId: admin.organization.id,
				url,
				actor: { type: "system", name: "test" },
				secret: TEST_SECRET,
				policy: strict,
			});
		for (const url of [
			"http://hooks.example.com/x",
			"https://127.0.0.1/x",
			"https://10.1.2.3/x",
			"https://169.254.169.254/latest",
			"https://[::1]/x",
			"https://[::ffff:192.168.0.1]/x",
			"https://localhost/x",
			"https://user:pass@hooks.example.com/x",
			"ftp://hooks.example.com/x",
			"not a url",
		]) {
			await expect(create(url), url).rejects.toThrow(/endpoint URL/);
		}
		await expect(create("https://hooks.example.com/x")).resolves.toMatchObject({
			endpoint: { url: "https://hooks.example.com/x" },
		});
		await expect(admin.client.webhooks.create.mutate({ url: "https://x".repeat(300) })).rejects.toThrow();

		const { scim } = await tenant("hooks-dns", receiver.url.replace("127.0.0.1", "localhost"));
		await provision(scim, ["dns@example.com"]);
		await sealAuditEvents(h.db.db, keyring);
		await deliverDueWebhooks(options({ policy: strict }));
		expect(receiver.received).toHaveLength(0);
		expect(outcomes.map((outcome) => outcome.failure)).toContain("network");
	});

	it("keeps each organization's endpoints to itself", async () => {
		const mine = await tenant("hooks-mine");
		const other: ConsoleUser = await h.adminOf("hooks-other");
		expect(await other.client.webhooks.list.query()).toEqual([]);
		for (const attempt of [
			() => other.client.webhooks.deliveries.query({ id: mine.endpoint.id }),
			() => other.client.webhooks.setEnabled.mutate({ id: mine.endpoint.id, enabled: false }),
			() => other.client.webhooks.delete.mutate({ id: mine.endpoint.id }),
		]) {
			await expect(attempt()).rejects.toThrow(/No webhook endpoint/);
		}
		expect((await mine.admin.client.webhooks.list.query()).map((endpoint) => endpoint.enabled)).toEqual([
			true,
		]);
		await mine.admin.client.webhooks.setEnabled.mutate({ id: mine.endpoint.id, enabled: false });
		await provision(mine.scim, ["paused@example.com"]);
		await sealAuditEvents(h.db.db, keyring);
		await deliverDueWebhooks(options());
		expect(receiver.received).toHaveLength(0);
		await mine.admin.client.webhooks.delete.mutate({ id: mine.endpoint.id });
		expect(await mine.admin.client.webhooks.list.query()).toEqual([]);
		const audit = await rows<{ action: string }>(
			h.db.db,
			sql`select action from audit_events where org_id = ${mine.admin.organization.id} and action like 'WEBHOOK_%' order by id`,
		);
		expect(audit.map((event) => event.action)).toEqual([
			"WEBHOOK_ENDPOINT_CREATED",
			"WEBHOOK_ENDPOINT_DISABLED",
			"WEBHOOK_ENDPOINT_DELETED",
		]);
	});
});
