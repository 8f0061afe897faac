import { CREDENTIALS_CHANNEL, changeFeed, rows, scimConnections, scimTokens } from "@roster/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../../bench/server.ts";
import { deleteConnection } from "../../src/connections/connections.ts";
import { CredentialCache } from "../../src/connections/credential-cache.ts";
import {
	type ResolvedScimToken,
	resolveScimToken,
	revokeScimToken,
	rotateScimToken,
} from "../../src/connections/scim-tokens.ts";
import { configureOrganization } from "../../src/organizations/settings.ts";
import { hashSecret } from "../../src/security/tokens.ts";
import { provisionUser, tierOf, USER_SCHEMA } from "../access/fixtures.ts";
import { settled, until } from "../credential-notifications.ts";
import { runCli, TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

/**
 * How long another process may take to hear a commit on its listener: measured p99 5 ms on a loaded
 * 2-core machine (decision 0194); a request sent sooner than that after a commit elsewhere is the
 * documented race window, not a guarantee.
 */
const CROSS_PROCESS_DELIVERY_MS = 50;
const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
const actor = { type: "system" as const, name: "test" };

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness();
	await until(() => h.runtime.tokens.active);
});
afterAll(async () => {
	await h?.close();
});

async function tokenRow(token: string) {
	const resolved = await resolveScimToken(h.db.db, token, TEST_SECRET);
	if (!resolved) throw new Error("token does not resolve");
	return resolved;
}

/** A fresh token on its own connection, used once so the cache holds it. */
async function cachedToken(connection: string, orgSlug = "default") {
	const token = await h.issueToken(orgSlug, connection);
	const res = await h.clientFor(token)("GET", "/Users?count=1");
	expect(res.status, res.text).toBe(200);
	return { token, row: await tokenRow(token) };
}

function isCached(token: string): boolean {
	return h.runtime.tokens.has(hashSecret(token, TEST_SECRET));
}

describe(`the bearer-token cache (${database})`, () => {
	it("serves a used token from memory while the listener is connected, and never stores unknown tokens", async () => {
		expect(h.runtime.tokens.active).toBe(true);
		const { token } = await cachedToken("cache-hit");
		expect(isCached(token)).toBe(true);
		const before = h.runtime.tokens.size;
		expect((await h.clientFor(`${token}x`)("GET", "/Users")).status).toBe(401);
		expect(h.runtime.tokens.size).toBe(before);
	});

	it("a token revoked in this process fails on its very next request", async () => {
		const { token, row } = await cachedToken("revoked");
		await revokeScimToken(h.db.db, { organization: row.organization, tokenId: row.token.id, actor });
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
	});

	it("a revocation written with plain SQL (any writer) fails the next request too", async () => {
		const { token, row } = await cachedToken("revoked-sql");
		await h.db.db.execute(sql`update scim_tokens set revoked_at = now() where id = ${row.token.id}::uuid`);
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
	});

	it("last-use writes do not empty the cache, other token changes do", async () => {
		const { token, row } = await cachedToken("last-use");
		await h.runtime.activity.flush();
		await h.db.db
			.update(scimTokens)
			.set({ lastUsedAt: new Date(), lastUsedIp: "192.0.2.1" })
			.where(eq(scimTokens.id, row.token.id));
		await settled(h.db);
		expect(isCached(token)).toBe(true);
		await h.db.db.update(scimTokens).set({ createdBy: "someone" }).where(eq(scimTokens.id, row.token.id));
		expect(isCached(token)).toBe(false);
	});

	it("a deleted connection's token fails on the next request", async () => {
		const { token, row } = await cachedToken("deleted-connection");
		await deleteConnection(h.db.db, {
			organization: row.organization,
			connectionId: row.connection.id,
			confirmName: row.connection.name,
			actor,
		});
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
	});

	it("changed connection settings apply on the next request", async () => {
		const { token, row } = await cachedToken("settings");
		await h.db.db
			.update(scimConnections)
			.set({ settings: { rateLimit: { requestsPerSecond: 25 } } })
			.where(eq(scimConnections.id, row.connection.id));
		const client = h.clientFor(token);
		const replies = await Promise.all(
			Array.from({ length: 40 }, () => client("GET", "/ServiceProviderConfig")),
		);
		expect(replies.map((reply) => reply.status)).toContain(429);
	});

	it("SCIM switched off for the organization answers 404 on the next request", async () => {
		const { token, row } = await cachedToken("scim-off", "switch-off");
		await configureOrganization(h.db.db, {
			organization: row.organization,
			change: { scimEnabled: "off" },
			actor: "test",
		});
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(404);
	});

	it("an organization's new slug applies on the next request", async () => {
		const { token, row } = await cachedToken("slug", "old-slug");
		expect((await h.clientFor(token, "/organizations/old-slug/scim/v2")("GET", "/Users")).status).toBe(200);
		await h.db.db.execute(
			sql`update organizations set slug = 'new-slug' where id = ${row.organization.id}::uuid`,
		);
		expect((await h.clientFor(token, "/organizations/old-slug/scim/v2")("GET", "/Users")).status).toBe(404);
		expect((await h.clientFor(token, "/organizations/new-slug/scim/v2")("GET", "/Users")).status).toBe(200);
	});

	it("a rotated token stops at the end of its overlap, checked against the clock on a cache hit", async () => {
		const { token, row } = await cachedToken("rotation");
		const rotated = await rotateScimToken(h.db.db, {
			organization: row.organization,
			tokenId: row.token.id,
			overlapHours: 1,
			actor,
			secret: TEST_SECRET,
		});
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(200);
		expect((await h.clientFor(rotated.token)("GET", "/Users")).status).toBe(200);
		expect(isCached(token)).toBe(true);
		const afterOverlap = new Date(Date.now() + 2 * 3_600_000);
		expect(await resolveScimToken(h.db.db, token, TEST_SECRET, afterOverlap, h.runtime.tokens)).toBeNull();
		expect(
			await resolveScimToken(h.db.db, rotated.token, TEST_SECRET, afterOverlap, h.runtime.tokens),
		).not.toBeNull();

		const immediate = await rotateScimToken(h.db.db, {
			organization: row.organization,
			tokenId: rotated.row.id,
			overlapHours: 0,
			actor,
			secret: TEST_SECRET,
		});
		expect((await h.clientFor(rotated.token)("GET", "/Users")).status).toBe(401);
		expect((await h.clientFor(immediate.token)("GET", "/Users")).status).toBe(200);
	});

	it("a token that expires while cached fails once its expiry has passed, without any write", async () => {
		const { token, row } = await cachedToken("expiry");
		await h.db.db
			.update(scimTokens)
			.set({ expiresAt: new Date(Date.now() + 1_500) })
			.where(eq(scimTokens.id, row.token.id));
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(200);
		expect(isCached(token)).toBe(true);
		await new Promise((resolve) => setTimeout(resolve, 1_600));
		expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
	});

	it("a fallback-tier change (access_version bump) reaches the next POST /Users", async () => {
		await provisionUser(h, "cache.before@example.com");
		await configureOrganization(h.db.db, {
			organization: h.organization,
			change: { fallbackTier: "USER" },
			actor: "test",
		});
		const after = await provisionUser(h, "cache.after@example.com");
		expect(await tierOf(h, after)).toBe("USER");
		await configureOrganization(h.db.db, {
			organization: h.organization,
			change: { fallbackTier: "NONE" },
			actor: "test",
		});
		expect(await tierOf(h, await provisionUser(h, "cache.reset@example.com"))).toBe("NONE");
	});

	it("a read that overlapped an invalidation is not stored", async () => {
		const { token, row } = await cachedToken("race");
		const cache = new CredentialCache<ResolvedScimToken>(changeFeed(h.db, CREDENTIALS_CHANNEL));
		try {
			await until(() => cache.active);
			const found = await cache.resolve(
				hashSecret(token, TEST_SECRET),
				async () => {
					const stale = await resolveScimToken(h.db.db, token, TEST_SECRET);
					await h.db.db.execute(
						sql`update scim_tokens set revoked_at = now() where id = ${row.token.id}::uuid`,
					);
					return stale;
				},
				(resolved) => resolved.organization.id,
			);
			expect(found).not.toBeNull();
			expect(cache.size).toBe(0);
			expect(await resolveScimToken(h.db.db, token, TEST_SECRET, new Date(), cache)).toBeNull();
		} finally {
			cache.close();
		}
	});
});

if (process.env.TEST_DATABASE_URL) {
	describe("the bearer-token cache across processes (PostgreSQL)", () => {
		let server: ServerProcess;
		beforeAll(async () => {
			server = await startServer({ databaseUrl: h.db.url, secret: TEST_SECRET, cpuProfileDir: undefined });
		});
		afterAll(async () => {
			await server?.stop();
		});

		function other(token: string, method = "GET", path = "/Users?count=1", body?: unknown) {
			return fetch(`${server.baseUrl}/scim/v2${path}`, {
				method,
				headers: {
					Authorization: `Bearer ${token}`,
					...(body ? { "Content-Type": "application/scim+json" } : {}),
				},
				body: body ? JSON.stringify(body) : undefined,
			});
		}

		async function listenersConnected(count: number): Promise<boolean> {
			const [row] = await rows<{ n: number }>(
				h.db.db,
				sql`select count(*)::int as n from pg_stat_activity
					where application_name = 'roster-listener' and datname = current_database()`,
			);
			return Number(row?.n) >= count;
		}

		it("`token revoke` in a CLI process fails the very next request to the other server", async () => {
			const token = await h.issueToken("default", "other-server");
			await until(() => listenersConnected(2));
			expect((await other(token)).status).toBe(200);
			expect((await other(token)).status).toBe(200);
			const revoked = await runCli(["token", "revoke", "--org", "default", "--name", "other-server"], {
				DATABASE_URL: h.db.url,
			});
			expect(revoked.code, revoked.stderr).toBe(0);
			expect((await other(token)).status).toBe(401);
		});

		it("`token revoke` in a CLI process fails the very next request in this process", async () => {
			const { token } = await cachedToken("cli-revoke");
			expect(isCached(token)).toBe(true);
			const revoked = await runCli(["token", "revoke", "--org", "default", "--name", "cli-revoke"], {
				DATABASE_URL: h.db.url,
			});
			expect(revoked.stderr).toBe("");
			expect(revoked.code).toBe(0);
			expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
		});

		it("a fallback-tier change in this process reaches the other server's next POST /Users", async () => {
			const token = await h.issueToken("tiers", "other-tiers");
			const organization = (await tokenRow(token)).organization;
			const post = async (userName: string) => {
				const res = await other(token, "POST", "/Users", { schemas: [USER_SCHEMA], userName, active: true });
				expect(res.status).toBe(201);
				return ((await res.json()) as { id: string }).id;
			};
			expect(await tierOf(h, await post("tier.before@example.com"))).toBe("NONE");
			await configureOrganization(h.db.db, { organization, change: { fallbackTier: "USER" }, actor: "test" });
			await new Promise((resolve) => setTimeout(resolve, CROSS_PROCESS_DELIVERY_MS));
			expect(await tierOf(h, await post("tier.after@example.com"))).toBe("USER");
		});

		it("while the listener is disconnected the cache is bypassed, then it resumes", async () => {
			const { token, row } = await cachedToken("outage");
			await h.db.db.execute(
				sql`select pg_terminate_backend(pid) from pg_stat_activity
					where application_name = 'roster-listener' and datname = current_database()`,
			);
			await until(() => !h.runtime.tokens.active, 5_000);
			expect(h.runtime.tokens.size).toBe(0);
			await h.db.db.execute(sql`update scim_tokens set revoked_at = now() where id = ${row.token.id}::uuid`);
			expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
			await until(() => h.runtime.tokens.active);
			const { token: after } = await cachedToken("after-outage");
			expect(isCached(after)).toBe(true);
			expect((await h.clientFor(token)("GET", "/Users")).status).toBe(401);
		});
	});
}
