import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rows } from "@roster/db";
import { auditChainKeyring } from "@roster/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/audit/verify.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from "../access/fixtures.ts";
import { until } from "../credential-notifications.ts";
import {
	killServers,
	openSharedDatabase,
	type ServerProcess,
	type SharedDatabase,
	spawnServer,
	TEST_SECRET,
} from "../helpers.ts";

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;

/** The smallest per-connection budget a connection accepts (requests per second). */
const RATE_BUDGET = 25;
/** Expired provisioning-log rows seeded for retention: more than two of its 5000-row batches. */
const EXPIRED_LOG_ROWS = 12_000;

// Replicas are shared by the cases of a file (booting one costs seconds), so they are killed after all.
afterAll(killServers);

interface Reply {
	status: number;
	body: Record<string, unknown> | null;
}

/** One replica as an IdP sees it: its base URL and a SCIM call with a bearer token. */
interface Replica {
	server: ServerProcess;
	base: string;
	scim(token: string, method: string, path: string, body?: unknown): Promise<Reply>;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
	const server = spawnServer(env);
	const [, base = ""] = await server.waitFor(LISTENING);
	return {
		server,
		base,
		async scim(token, method, path, body) {
			const res = await fetch(`${base}/scim/v2${path}`, {
				method,
				headers: {
					Authorization: `Bearer ${token}`,
					...(body === undefined ? {} : { "Content-Type": "application/scim+json" }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
		},
	};
}

function newUser(userName: string) {
	return { schemas: [USER_SCHEMA], userName, active: true };
}

/** The rows deleted by the pruning jobs a replica finished (`done` of its succeeded retention jobs). */
function prunedBy(server: ServerProcess): number {
	return server
		.stdout()
		.split("\n")
		.filter((line) => line.includes('"kind":"audit.log-retention"') && line.includes('"outcome":"succeeded"'))
		.reduce((sum, line) => sum + Number((JSON.parse(line) as { done: number }).done), 0);
}

if (onPostgres)
	describe("several replicas on one PostgreSQL and one Redis", () => {
		let target: SharedDatabase;
		let orgId: string;
		const tokens = { writes: "", limited: "", load: "" };
		let a: Replica;
		let b: Replica;
		let env: Record<string, string>;

		const count = async (query: ReturnType<typeof sql>) =>
			Number((await target.use((db) => rows<{ n: number }>(db, query)))[0]?.n);

		beforeAll(async () => {
			target = await openSharedDatabase("roster-replicas-");
			await target.use(async (db) => {
				const organization = await requireOrganization(db, "default");
				orgId = organization.id;
				for (const name of Object.keys(tokens) as (keyof typeof tokens)[]) {
					const created = await createScimToken(db, {
						organization,
						connectionName: name,
						createdBy: "test",
						secret: TEST_SECRET,
					});
					tokens[name] = created.token;
				}
				await db.execute(sql`update scim_connections
					set settings = ${JSON.stringify({ rateLimit: { requestsPerSecond: RATE_BUDGET } })}::jsonb
					where name = 'limited'`);
				await db.execute(sql`insert into provisioning_log (org_id, occurred_at, method, path, status, duration_ms, request_id)
					select ${orgId}::uuid, now() - make_interval(days => 31), 'GET', '/Users', 200, 1, 'expired-' || n
					from generate_series(1, ${EXPIRED_LOG_ROWS}) as n
					union all select ${orgId}::uuid, now() - make_interval(days => 29), 'GET', '/Users', 200, 1, 'kept'`);
			});
			env = {
				DATABASE_URL: target.url,
				REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
				AUDIT_SEAL_INTERVAL_MS: "50",
				LOG_PRUNE_INTERVAL_MS: "100",
			};
			[a, b] = await Promise.all([startReplica(env), startReplica(env)]);
		});
		afterAll(async () => {
			killServers();
			await target?.close();
		});

		it("concurrent member PATCHes to one group through both replicas lose nothing, one audit event each", async () => {
			const group = await a.scim(tokens.writes, "POST", "/Groups", {
				schemas: [GROUP_SCHEMA],
				displayName: "shared",
			});
			expect(group.status).toBe(201);
			const groupId = String(group.body?.id);
			const created = await Promise.all(
				Array.from({ length: 40 }, (_, i) =>
					(i % 2 ? b : a).scim(tokens.writes, "POST", "/Users", newUser(`member-${i}@example.com`)),
				),
			);
			const userIds = created.map((reply) => String(reply.body?.id));
			expect(created.map((reply) => reply.status)).toEqual(userIds.map(() => 201));

			const patches = await Promise.all(
				userIds.map((userId, i) =>
					(i % 2 ? b : a).scim(tokens.writes, "PATCH", `/Groups/${groupId}`, {
						schemas: [PATCH_SCHEMA],
						Operations: [{ op: "add", path: "members", value: [{ value: userId }] }],
					}),
				),
			);
			for (const reply of patches) expect([200, 204]).toContain(reply.status);

			const members = await target.use((db) =>
				rows<{ user_id: string }>(
					db,
					sql`select user_id from group_members where group_id = ${groupId}::uuid`,
				),
			);
			expect(members.map((row) => row.user_id).sort()).toEqual([...userIds].sort());
			const events = await target.use((db) =>
				rows<{ added: string[] }>(
					db,
					sql`select changes->'membersAdded'->'new'->'ids' as added from audit_events
						where action = 'SCIM_GROUP_SYNCED' and entity_id = ${groupId}`,
				),
			);
			expect(events).toHaveLength(userIds.length);
			expect(events.flatMap((event) => event.added).sort()).toEqual([...userIds].sort());
		});

		it("concurrent POST /Users through both replicas: every 201 stored once, a name raced to both wins once", async () => {
			const replies = await Promise.all(
				Array.from({ length: 30 }, (_, i) =>
					(i % 2 ? b : a).scim(tokens.writes, "POST", "/Users", newUser(`spread-${i}@example.com`)),
				),
			);
			expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 201));
			expect(await count(sql`select count(*)::int as n from users where user_name like 'spread-%'`)).toBe(30);

			const raced = await Promise.all(
				Array.from({ length: 10 }, (_, i) =>
					Promise.all(
						[a, b].map((replica) =>
							replica.scim(tokens.writes, "POST", "/Users", newUser(`raced-${i}@example.com`)),
						),
					),
				),
			);
			for (const pair of raced) expect(pair.map((reply) => reply.status).sort()).toEqual([201, 409]);
			const stored = await target.use((db) =>
				rows<{ id: string }>(db, sql`select id from users where user_name like 'raced-%'`),
			);
			const winners = raced.flat().filter((reply) => reply.status === 201);
			expect(stored.map((row) => row.id).sort()).toEqual(
				winners.map((reply) => String(reply.body?.id)).sort(),
			);
		});

		it("a connection's rate limit is one budget across replicas (Redis)", async () => {
			/** 80 requests split over both replicas at once, and how many per-second windows they spanned. */
			const burst = async () => {
				const started = Date.now();
				const replies = await Promise.all(
					Array.from({ length: 80 }, (_, i) =>
						(i % 2 ? b : a).scim(tokens.limited, "GET", "/ServiceProviderConfig"),
					),
				);
				return { replies, windows: 1 + Math.floor((Date.now() - started) / 1000) };
			};
			// A burst that straddles a window boundary may spend two windows' worth: on a machine too busy to
			// send 80 requests within a second, wait for the window to expire and send another.
			let { replies, windows } = await burst();
			for (let attempt = 0; windows > 1 && attempt < 3; attempt++) {
				await new Promise((resolve) => setTimeout(resolve, 1100));
				({ replies, windows } = await burst());
			}
			expect(windows, "a burst should fit in one window").toBe(1);
			const accepted = replies.filter((reply) => reply.status === 200).length;
			const refused = replies.filter((reply) => reply.status === 429).length;
			expect(accepted + refused).toBe(replies.length);
			// Per-replica budgets would admit 2 × 25; the shared one admits at most 25, and all of it.
			expect(accepted).toBeGreaterThan(0);
			expect(accepted).toBeLessThanOrEqual(RATE_BUDGET);
		});

		it("retention runs on both replicas under one lock: expired rows deleted exactly once in total", async () => {
			await until(() => prunedBy(a.server) + prunedBy(b.server) >= EXPIRED_LOG_ROWS, 30_000);
			expect(prunedBy(a.server) + prunedBy(b.server)).toBe(EXPIRED_LOG_ROWS);
			expect(
				await count(sql`select count(*)::int as n from provisioning_log where request_id like 'expired-%'`),
			).toBe(0);
			expect(
				await count(sql`select count(*)::int as n from provisioning_log where request_id = 'kept'`),
			).toBe(1);
		});

		it("SIGKILL of a replica mid-load loses no acknowledged write, and the others keep answering", async () => {
			const c = await startReplica(env);
			const acknowledged: string[] = [];
			let killedAt: number | undefined;
			let afterKill = 0;
			let cut = 0;
			let next = 0;
			/** Posts users one after another until `done`; a request the replica never answered is not acknowledged. */
			async function stream(replica: Replica, done: () => boolean): Promise<void> {
				while (!done()) {
					const userName = `load-${next++}@example.com`;
					let reply: Reply;
					try {
						reply = await replica.scim(tokens.load, "POST", "/Users", newUser(userName));
					} catch {
						if (replica === c) {
							cut++;
							return;
						}
						throw new Error(`replica ${replica.base} stopped answering`);
					}
					if (reply.status >= 200 && reply.status < 300) {
						acknowledged.push(userName);
						if (killedAt !== undefined && replica !== c) afterKill++;
					} else if (replica !== c) {
						throw new Error(`replica ${replica.base} answered ${reply.status}`);
					}
				}
			}
			const finished = () => afterKill >= 40;
			const load = Promise.all([
				...Array.from({ length: 4 }, () => stream(c, () => killedAt !== undefined)),
				...Array.from({ length: 4 }, () => stream(a, finished)),
			]);
			await until(() => acknowledged.length >= 40, 30_000);
			c.server.child.kill("SIGKILL");
			killedAt = Date.now();
			await load;
			expect(await c.server.exited).toBeNull();
			expect(afterKill).toBeGreaterThanOrEqual(40);
			expect(cut, "requests were in flight to the killed replica").toBeGreaterThan(0);

			const stored = await target.use((db) =>
				rows<{ user_name: string }>(db, sql`select user_name from users where user_name like 'load-%'`),
			);
			const storedNames = new Set(stored.map((row) => row.user_name));
			expect(acknowledged.filter((userName) => !storedNames.has(userName))).toEqual([]);
			expect((await b.scim(tokens.load, "GET", "/Users?count=1")).status).toBe(200);
		});

		it("every audit event, from every replica including the killed one, is sealed once into a chain that verifies", async () => {
			await until(
				async () => (await count(sql`select count(*)::int as n from audit_events where hash is null`)) === 0,
			);
			const total = await count(
				sql`select count(*)::int as n from audit_events where org_id = ${orgId}::uuid`,
			);
			expect(total).toBeGreaterThan(150);
			const verification = await target.use((db) =>
				verifyAuditChain(db, orgId, auditChainKeyring(TEST_SECRET)),
			);
			expect(verification.broken).toBeUndefined();
			expect(verification.unsealed).toBe(0);
			expect(verification.verified).toBe(total);
		});
	});

describe("replicas need PostgreSQL", () => {
	it("a second server on the same PGlite directory refuses to start", async () => {
		const url = `pglite://${join(mkdtempSync(join(tmpdir(), "roster-replica-pglite-")), "data")}`;
		const first = spawnServer({ DATABASE_URL: url });
		await first.waitFor(LISTENING);
		const second = spawnServer({ DATABASE_URL: url });
		await expect(second.waitFor(LISTENING)).rejects.toThrow(/already open in process .*use PostgreSQL/);
		expect(await second.exited).toBe(1);
		first.child.kill("SIGTERM");
		expect(await first.exited).toBe(0);
	});
});
