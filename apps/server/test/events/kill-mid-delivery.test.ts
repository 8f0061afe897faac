import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { createWebhookEndpoint } from "../../src/events/webhook-endpoints.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { PATCH_SCHEMA, USER_SCHEMA } from "../access/fixtures.ts";
import { until } from "../credential-notifications.ts";
import {
	killServers,
	openSharedDatabase,
	type SharedDatabase,
	spawnServer,
	TEST_SECRET,
} from "../helpers.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite on disk";
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;
/** The delivery the receiver never answers: the server is killed while it waits for it. */
const HELD = 9;
const USERS_BEFORE = 15;
const USERS_AFTER = 5;

afterAll(killServers);

interface Delivered {
	webhookId: string;
	body: string;
	type: string;
	userId: string;
}

describe(`a server killed mid-delivery (${database})`, () => {
	let target: SharedDatabase;
	let receiver: Receiver;
	let token = "";
	let env: Record<string, string>;

	beforeAll(async () => {
		target = await openSharedDatabase("roster-webhook-kill-");
		receiver = await startReceiver();
		receiver.respond = (_request, index) => (index === HELD ? "hang" : { status: 200 });
		await target.use(async (db) => {
			const organization = await requireOrganization(db, "default");
			token = (
				await createScimToken(db, {
					organization,
					connectionName: "okta",
					createdBy: "test",
					secret: TEST_SECRET,
				})
			).token;
			await createWebhookEndpoint(db, {
				orgId: organization.id,
				url: receiver.url,
				actor: { type: "system", name: "test" },
				secret: TEST_SECRET,
				policy: { allowPrivateNetworks: true },
			});
		});
		env = {
			DATABASE_URL: target.url,
			ROSTER_SECRET: TEST_SECRET,
			AUDIT_SEAL_INTERVAL_MS: "50",
			WEBHOOK_DELIVERY_INTERVAL_MS: "20",
			WEBHOOK_TIMEOUT_MS: "1000",
			WEBHOOK_RETRY_BASE_MS: "50",
			WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
			LOG_PRUNE_INTERVAL_MS: "0",
		};
	});
	afterAll(async () => {
		await receiver.close();
		await target.close();
	});

	async function start() {
		const server = spawnServer(env);
		const [, base = ""] = await server.waitFor(LISTENING);
		const scim = async (method: string, path: string, body: unknown) => {
			const res = await fetch(`${base}/scim/v2${path}`, {
				method,
				headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
				body: JSON.stringify(body),
			});
			const text = await res.text();
			expect(res.status, text).toBeLessThan(300);
			return JSON.parse(text) as { id: string };
		};
		/** Provisions then deactivates each user: two events per user whose order matters. */
		const churn = async (names: string[]) => {
			for (const userName of names) {
				const { id } = await scim("POST", "/Users", { schemas: [USER_SCHEMA], userName, active: true });
				await scim("PATCH", `/Users/${id}`, {
					schemas: [PATCH_SCHEMA],
					Operations: [{ op: "replace", value: { active: false } }],
				});
			}
		};
		return { server, churn };
	}

	it("loses no event and delivers none out of order per user after SIGKILL and restart", async () => {
		const first = await start();
		await first.churn(Array.from({ length: USERS_BEFORE }, (_, n) => `before-${n}@example.com`));
		await until(() => receiver.received.length > HELD, 30_000);
		first.server.child.kill("SIGKILL");
		expect(await first.server.exited).toBeNull();

		const second = await start();
		await second.churn(Array.from({ length: USERS_AFTER }, (_, n) => `after-${n}@example.com`));
		const expected = 2 * (USERS_BEFORE + USERS_AFTER);
		const delivered = (): Delivered[] =>
			receiver.received.map((request) => {
				const body = JSON.parse(request.body) as { type: string; data: { subject: { id: string } } };
				return {
					webhookId: String(request.headers["webhook-id"]),
					body: request.body,
					type: body.type,
					userId: body.data.subject.id,
				};
			});
		await until(() => new Set(delivered().map((entry) => entry.webhookId)).size >= expected, 60_000);
		second.server.child.kill("SIGTERM");
		await second.server.exited;

		const all = delivered();
		const firstSeen = new Map<string, Delivered>();
		for (const entry of all) {
			const seen = firstSeen.get(entry.webhookId);
			// A duplicate is the same message again, never a different one under a reused id.
			if (seen) expect(entry.body).toBe(seen.body);
			else firstSeen.set(entry.webhookId, entry);
		}
		const unique = [...firstSeen.values()];
		expect(unique).toHaveLength(expected);
		expect(
			all.length - unique.length,
			"the held delivery is sent again after the restart",
		).toBeGreaterThanOrEqual(1);
		const ids = unique.map((entry) => Number(entry.webhookId.slice(4)));
		expect(ids, "first deliveries arrive in event order").toEqual([...ids].sort((a, b) => a - b));
		const perUser = new Map<string, string[]>();
		for (const entry of unique) perUser.set(entry.userId, [...(perUser.get(entry.userId) ?? []), entry.type]);
		expect(perUser.size).toBe(USERS_BEFORE + USERS_AFTER);
		for (const types of perUser.values()) expect(types).toEqual(["user.provisioned", "user.deprovisioned"]);
	});
});
