import { type DatabaseHandle, rows } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimToken, revokeConnectionTokens } from "../../src/connections/scim-tokens.ts";
import { createOrganization } from "../../src/organizations/organizations.ts";
import { TEST_SECRET } from "../helpers.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
	handle = await createTestDatabase();
});
afterAll(async () => {
	await handle?.close();
});

interface TokenEvent {
	action: string;
	actor_type: string;
	actor_name: string;
	entity_type: string;
	entity_id: string;
	entity_name: string;
	metadata: string;
}

async function tokenEvents(orgId: string): Promise<TokenEvent[]> {
	return rows<TokenEvent>(
		handle.db,
		sql`select action, actor_type, actor_name, entity_type, entity_id, entity_name, metadata::text as metadata
			from audit_events where org_id = ${orgId} and entity_type = 'ScimToken' order by id`,
	);
}

describe(`SCIM token audit events (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
	it("records who issued and who revoked each token, by id and prefix, never the token or its hash", async () => {
		const organization = await createOrganization(handle.db, { slug: "token-audit", name: "Token audit" });
		const issue = () =>
			handle.db.transaction((tx) =>
				createScimToken(tx, {
					organization,
					connectionName: "entra",
					idpKind: "entra",
					expiresInDays: 30,
					createdBy: "cli",
					secret: TEST_SECRET,
				}),
			);
		const first = await issue();
		const second = await issue();
		const revoked = await handle.db.transaction((tx) =>
			revokeConnectionTokens(tx, { organization, connectionName: "entra", actor: "ops" }),
		);
		expect(revoked).toBe(2);
		const events = await tokenEvents(organization.id);
		expect(events.map(({ metadata, ...event }) => event)).toEqual([
			...[first, second].map((created) => ({
				action: "SCIM_TOKEN_CREATED",
				actor_type: "system",
				actor_name: "cli",
				entity_type: "ScimToken",
				entity_id: created.row.id,
				entity_name: "entra",
			})),
			...[first, second].map((created) => ({
				action: "SCIM_TOKEN_REVOKED",
				actor_type: "system",
				actor_name: "ops",
				entity_type: "ScimToken",
				entity_id: created.row.id,
				entity_name: "entra",
			})),
		]);
		expect(JSON.parse(events[0]?.metadata ?? "")).toEqual({
			prefix: first.row.prefix,
			expiresAt: first.row.expiresAt?.toISOString(),
			connectionCreated: true,
		});
		expect(JSON.parse(events[1]?.metadata ?? "")).toMatchObject({ connectionCreated: false });
		const stored = JSON.stringify(events);
		for (const created of [first, second]) {
			expect(stored).not.toContain(created.token);
			expect(stored).not.toContain(created.row.tokenHash);
		}
	});

	it("writes the event in the token's transaction: a failed command leaves neither", async () => {
		const organization = await createOrganization(handle.db, { slug: "token-rollback", name: "Rollback" });
		await expect(
			handle.db.transaction(async (tx) => {
				await createScimToken(tx, {
					organization,
					connectionName: "okta",
					createdBy: "cli",
					secret: TEST_SECRET,
				});
				throw new Error("the command failed after issuing");
			}),
		).rejects.toThrow("the command failed after issuing");
		expect(await tokenEvents(organization.id)).toEqual([]);
		const tokens = await rows(handle.db, sql`select id from scim_tokens where org_id = ${organization.id}`);
		expect(tokens).toEqual([]);
	});

	it("records nothing when a connection has no live token to revoke", async () => {
		const organization = await createOrganization(handle.db, { slug: "token-none", name: "None" });
		await createScimToken(handle.db, {
			organization,
			connectionName: "ping",
			createdBy: "cli",
			secret: TEST_SECRET,
		});
		await revokeConnectionTokens(handle.db, { organization, connectionName: "ping", actor: "cli" });
		expect(
			await revokeConnectionTokens(handle.db, { organization, connectionName: "ping", actor: "cli" }),
		).toBe(0);
		expect((await tokenEvents(organization.id)).map((event) => event.action)).toEqual([
			"SCIM_TOKEN_CREATED",
			"SCIM_TOKEN_REVOKED",
		]);
	});
});
