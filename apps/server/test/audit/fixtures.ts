import { type DatabaseHandle, type Organization, rows } from "@roster/db";
import { auditChainKeyring } from "@roster/domain";
import { type SQL, sql } from "drizzle-orm";
import { expect } from "vitest";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { TEST_SECRET } from "../helpers.ts";
import type { ScimClient, ScimHarness } from "../scim/harness.ts";

/** The chain keys of a Roster running with the tests' secret, as the harness's app does. */
export const keyring = auditChainKeyring(TEST_SECRET);

/**
 * An organization of its own with an IdP connection, so each test reads a chain no other test touches.
 * Its chain starts with the `SCIM_TOKEN_CREATED` event of the connection's token.
 */
export async function freshTenant(
	h: ScimHarness,
	slug: string,
): Promise<{ organization: Organization; scim: ScimClient }> {
	const token = await h.issueToken(slug, "entra", "entra");
	const organization = await requireOrganization(h.db.db, slug);
	return { organization, scim: h.clientFor(token) };
}

/** Provisions users through SCIM (each write leaves one audit event) and returns their ids in order. */
export async function provision(scim: ScimClient, userNames: string[]): Promise<string[]> {
	const ids: string[] = [];
	for (const userName of userNames) {
		const reply = await scim("POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName,
			active: true,
		});
		expect(reply.status).toBe(201);
		ids.push(String(reply.body?.id));
	}
	return ids;
}

/** An organization's audit events with their chain columns, in id order. */
export async function chainOf(
	db: DatabaseHandle,
	orgId: string,
): Promise<
	{
		id: string;
		action: string;
		prev_hash: string | null;
		hash: string | null;
		chain_key_version: number | null;
	}[]
> {
	return rows(
		db.db,
		sql`select id::text as id, action, prev_hash, hash, chain_key_version::int as chain_key_version
			from audit_events where org_id = ${orgId} order by audit_events.id`,
	);
}

/**
 * Runs a statement the append-only trigger would refuse, as an attacker with table-owner rights could:
 * the user triggers are disabled for that one transaction only.
 */
export async function tamper(db: DatabaseHandle, statement: SQL): Promise<void> {
	await db.db.transaction(async (tx) => {
		await tx.execute(sql`alter table audit_events disable trigger user`);
		await tx.execute(statement);
		await tx.execute(sql`alter table audit_events enable trigger user`);
	});
}

/** Polls until `check` holds or `ms` pass; returns how long it took, or throws with `what`. */
export async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > ms) throw new Error(`${what} did not happen within ${ms} ms`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	return Date.now() - started;
}
