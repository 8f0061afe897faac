import { rows, scimTokens } from "@roster/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
let other: ConsoleUser;
let connectionId: string;
beforeAll(async () => {
	h = await createConsoleHarness();
	other = await h.adminOf("tokens-other-org");
	connectionId = (await h.admin.client.connections.create.mutate({ name: "Okta", idpKind: "okta" })).id;
});
afterAll(async () => {
	await h.close();
});

const DAY = 86_400_000;

const scimStatus = async (token: string) => (await h.clientFor(token)("GET", "/Users?count=1")).status;

/** Moves a token's expiry into the past, as the clock would once an overlap or a lifetime ends. */
async function endNow(tokenId: string): Promise<void> {
	await h.db.db
		.update(scimTokens)
		.set({ expiresAt: new Date(Date.now() - 1000) })
		.where(eq(scimTokens.id, tokenId));
}

async function tokenAudit(tokenId: string) {
	return rows<{ action: string; actor_type: string; changes: string | null; metadata: string | null }>(
		h.db.db,
		sql`select action, actor_type, changes::text as changes, metadata::text as metadata
			from audit_events where entity_type = 'ScimToken' and entity_id = ${tokenId} order by id`,
	);
}

describe(`connections router: SCIM tokens and test connection (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("mint → SCIM works → last use recorded → rotate → both work → after the overlap only the new → revoke → 401", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		expect(minted.token.startsWith(minted.tokenInfo.prefix)).toBe(true);
		expect(minted.tokenInfo).toMatchObject({
			state: "active",
			expiresAt: null,
			lastUsedAt: null,
			createdBy: h.admin.email,
		});
		expect(await scimStatus(minted.token)).toBe(200);
		await h.runtime.activity.flush();
		const [used] = await h.admin.client.connections.tokens.query({ connectionId });
		expect(used?.id).toBe(minted.tokenInfo.id);
		expect(Date.parse(used?.lastUsedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

		const rotated = await h.admin.client.connections.rotateToken.mutate({
			tokenId: minted.tokenInfo.id,
			overlapHours: 24,
		});
		expect(rotated.token).not.toBe(minted.token);
		expect(rotated.tokenInfo.rotatedFrom).toEqual({
			id: minted.tokenInfo.id,
			prefix: minted.tokenInfo.prefix,
		});
		const overlapEnd = Date.parse(rotated.previous.expiresAt ?? "");
		expect(Math.abs(overlapEnd - (Date.now() + DAY))).toBeLessThan(60_000);
		expect(await scimStatus(minted.token)).toBe(200);
		expect(await scimStatus(rotated.token)).toBe(200);

		await endNow(minted.tokenInfo.id);
		expect(await scimStatus(minted.token)).toBe(401);
		expect(await scimStatus(rotated.token)).toBe(200);
		const listed = await h.admin.client.connections.tokens.query({ connectionId });
		expect(listed.map((token) => [token.prefix, token.state])).toEqual([
			[rotated.tokenInfo.prefix, "active"],
			[minted.tokenInfo.prefix, "expired"],
		]);

		const revoked = await h.admin.client.connections.revokeToken.mutate({ tokenId: rotated.tokenInfo.id });
		expect(revoked.state).toBe("revoked");
		expect(await scimStatus(rotated.token)).toBe(401);
		await expect(
			h.admin.client.connections.revokeToken.mutate({ tokenId: rotated.tokenInfo.id }),
		).rejects.toMatchObject({
			data: { code: "CONFLICT" },
		});
		await expect(
			h.admin.client.connections.rotateToken.mutate({ tokenId: rotated.tokenInfo.id, overlapHours: 1 }),
		).rejects.toMatchObject({ data: { code: "CONFLICT" }, message: expect.stringContaining("revoked") });

		expect((await tokenAudit(minted.tokenInfo.id)).map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_TOKEN_ROTATED",
		]);
		const rotatedEvents = await tokenAudit(rotated.tokenInfo.id);
		expect(rotatedEvents.map((event) => [event.action, event.actor_type])).toEqual([
			["SCIM_TOKEN_CREATED", "admin"],
			["SCIM_TOKEN_REVOKED", "admin"],
		]);
		expect(JSON.parse(rotatedEvents[0]?.metadata ?? "{}")).toMatchObject({
			rotatedFrom: minted.tokenInfo.prefix,
		});
	});

	it("rotates with no overlap: the old token stops at once", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		const rotated = await h.admin.client.connections.rotateToken.mutate({
			tokenId: minted.tokenInfo.id,
			overlapHours: 0,
			expiresInDays: 30,
		});
		expect(await scimStatus(minted.token)).toBe(401);
		expect(await scimStatus(rotated.token)).toBe(200);
		expect(rotated.tokenInfo.state).toBe("active");
		await expect(
			h.admin.client.connections.rotateToken.mutate({ tokenId: minted.tokenInfo.id, overlapHours: 800 }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { overlapHours: expect.any(Array) } },
		});
	});

	it("never lets an overlap outlive the old token's own expiry", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId, expiresInDays: 1 });
		const rotated = await h.admin.client.connections.rotateToken.mutate({
			tokenId: minted.tokenInfo.id,
			overlapHours: 72,
		});
		expect(rotated.previous.expiresAt).toBe(minted.tokenInfo.expiresAt);
	});

	it("sets, changes and removes an expiry; warns within 14 days; an expired token gets 401", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId, expiresInDays: 90 });
		expect(minted.tokenInfo.state).toBe("active");
		const soon = await h.admin.client.connections.setTokenExpiry.mutate({
			tokenId: minted.tokenInfo.id,
			expiresInDays: 7,
		});
		expect(soon.state).toBe("expiring");
		const expiring = await h.admin.client.connections.expiringTokens.query({});
		expect(expiring.find((token) => token.id === minted.tokenInfo.id)).toMatchObject({
			state: "expiring",
			connection: { id: connectionId, name: "Okta" },
		});
		expect(await other.client.connections.expiringTokens.query({})).toEqual([]);
		const detail = await h.admin.client.connections.get.query({ connectionId });
		expect(detail.tokens.expiringSoon).toBeGreaterThanOrEqual(1);

		const forever = await h.admin.client.connections.setTokenExpiry.mutate({
			tokenId: minted.tokenInfo.id,
			expiresInDays: null,
		});
		expect(forever).toMatchObject({ expiresAt: null, state: "active" });
		const events = await tokenAudit(minted.tokenInfo.id);
		expect(events.map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_TOKEN_EXPIRY_CHANGED",
			"SCIM_TOKEN_EXPIRY_CHANGED",
		]);
		expect(JSON.parse(events[2]?.changes ?? "{}")).toEqual({ expiresAt: { old: soon.expiresAt, new: null } });

		await endNow(minted.tokenInfo.id);
		expect(await scimStatus(minted.token)).toBe(401);
		await expect(
			h.admin.client.connections.setTokenExpiry.mutate({ tokenId: minted.tokenInfo.id, expiresInDays: 5 }),
		).rejects.toMatchObject({ data: { code: "CONFLICT" } });
		await expect(
			h.admin.client.connections.mintToken.mutate({ connectionId, expiresInDays: 0 }),
		).rejects.toMatchObject({
			data: { code: "BAD_REQUEST", fieldErrors: { expiresInDays: ["At least 1 day"] } },
		});
	});

	it("searches a connection's tokens by prefix and by creator", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		const byPrefix = await h.admin.client.connections.tokens.query({
			connectionId,
			search: minted.tokenInfo.prefix.slice(-6),
		});
		expect(byPrefix.map((token) => token.id)).toEqual([minted.tokenInfo.id]);
		const byCreator = await h.admin.client.connections.tokens.query({
			connectionId,
			search: h.admin.email.toUpperCase(),
		});
		expect(byCreator.length).toBeGreaterThan(1);
		expect(await h.admin.client.connections.tokens.query({ connectionId, search: "%" })).toEqual([]);
	});

	it("never answers a token's secret or hash except the mint's one-time token", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		const [stored] = await h.db.db.select().from(scimTokens).where(eq(scimTokens.id, minted.tokenInfo.id));
		const answers = JSON.stringify([
			minted.tokenInfo,
			await h.admin.client.connections.tokens.query({ connectionId }),
			await h.admin.client.connections.list.query(),
			await h.admin.client.connections.get.query({ connectionId }),
			await h.admin.client.connections.expiringTokens.query({ withinDays: 365 }),
			await h.admin.client.connections.test.mutate({ connectionId, token: minted.token }),
			await h.admin.client.connections.revokeToken.mutate({ tokenId: minted.tokenInfo.id }),
		]);
		expect(answers).not.toContain(minted.token);
		expect(answers).not.toContain(stored?.tokenHash);
		const audit = JSON.stringify(await tokenAudit(minted.tokenInfo.id));
		expect(audit).not.toContain(minted.token);
		expect(audit).not.toContain(stored?.tokenHash);
	});

	it("answers another organization's token exactly like an unknown one and never changes it", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		const attempts = await Promise.allSettled([
			other.client.connections.revokeToken.mutate({ tokenId: minted.tokenInfo.id }),
			other.client.connections.rotateToken.mutate({ tokenId: minted.tokenInfo.id, overlapHours: 1 }),
			other.client.connections.setTokenExpiry.mutate({ tokenId: minted.tokenInfo.id, expiresInDays: 1 }),
			other.client.connections.revokeToken.mutate({ tokenId: "00000000-0000-4000-8000-000000000000" }),
		]);
		for (const attempt of attempts) {
			expect(attempt).toMatchObject({
				status: "rejected",
				reason: { data: { code: "NOT_FOUND" }, message: "Unknown token" },
			});
		}
		expect(await scimStatus(minted.token)).toBe(200);
		expect((await tokenAudit(minted.tokenInfo.id)).map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
		]);
		const [row] = await h.db.db.select().from(scimTokens).where(eq(scimTokens.id, minted.tokenInfo.id));
		expect(row).toMatchObject({ expiresAt: null, revokedAt: null });
	});

	it("tests a connection with a good token: a real, read-only SCIM round trip, logged", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		await h.runtime.activity.flush();
		const [before] = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from provisioning_log`);
		const [usersBefore] = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from users`);
		const result = await h.admin.client.connections.test.mutate({ connectionId, token: minted.token });
		expect(result.ok).toBe(true);
		expect(result.token).toEqual({ prefix: minted.tokenInfo.prefix, state: "active" });
		expect(result.steps.map((step) => [step.path.split("?")[0], step.status, step.ok])).toEqual([
			["/ServiceProviderConfig", 200, true],
			["/Users", 200, true],
			["/Groups", 200, true],
			["/Users", 200, true],
		]);
		for (const step of result.steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
		await h.runtime.activity.flush();
		const logged = await rows<{ path: string; connection_id: string }>(
			h.db.db,
			sql`select path, connection_id::text as connection_id from provisioning_log order by id desc limit 4`,
		);
		expect(logged.every((row) => row.connection_id === connectionId)).toBe(true);
		const [after] = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from provisioning_log`);
		expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(4);
		const [usersAfter] = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from users`);
		expect(usersAfter?.n).toBe(usersBefore?.n);
	});

	it("refuses a token of another connection or organization without saying whose it is", async () => {
		const foreignOrg = await h.issueToken("tokens-other-org", "theirs");
		const sameOrgOtherConnection = h.token;
		for (const token of [foreignOrg, sameOrgOtherConnection, "scim_not-a-real-token"]) {
			await expect(h.admin.client.connections.test.mutate({ connectionId, token })).rejects.toMatchObject({
				data: { code: "BAD_REQUEST" },
				message: 'This is not one of the tokens of connection "Okta"',
			});
		}
	});

	it("shows the 401 an IdP would get when the token is revoked, and never logs the token", async () => {
		const minted = await h.admin.client.connections.mintToken.mutate({ connectionId });
		await h.admin.client.connections.revokeToken.mutate({ tokenId: minted.tokenInfo.id });
		const result = await h.admin.client.connections.test.mutate({ connectionId, token: minted.token });
		expect(result.ok).toBe(false);
		expect(result.token.state).toBe("revoked");
		expect(result.steps.every((step) => step.status === 401 && !step.ok)).toBe(true);
		expect(result.steps[0]?.detail).toBe("The bearer token is not valid.");
		await h.runtime.activity.flush();
		const logged = await rows<{ body: string }>(
			h.db.db,
			sql`select coalesce(request_body::text, '') || coalesce(response_body::text, '') as body from provisioning_log`,
		);
		expect(JSON.stringify(logged)).not.toContain(minted.token);
	});
});
