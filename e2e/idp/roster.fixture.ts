import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { auditEvents, organizations, scimConnections } from "@roster/db";
import { and, eq } from "drizzle-orm";
import { revokeConnectionTokens } from "../../apps/server/src/connections/scim-tokens.ts";
import { requireOrganization } from "../../apps/server/src/organizations/organizations.ts";
import { createScimHarness, type ScimClient, type ScimHarness } from "../../apps/server/test/scim/harness.ts";
import type { FetchLike } from "./http.ts";

export const SCIM_BASE = "http://roster.test/scim/v2";

/** One real Roster (createApp over PGlite, or PostgreSQL with TEST_DATABASE_URL) that the mock tenants talk to. */
export interface RosterUnderTest {
	harness: ScimHarness;
	/** `app.request`, so tenants speak real HTTP to the app without a port. */
	fetch: FetchLike;
	/** Issues a token for a new organization (one per IdP profile, so suites never see each other's data). */
	connect(orgSlug: string, idpKind: "entra" | "okta"): Promise<{ token: string; admin: ScimClient }>;
	/** The audit actions recorded in an organization, oldest first, optionally for one entity. */
	auditActions(orgSlug: string, entityId?: string): Promise<{ action: string; entityId: string | null }[]>;
	/** Changes the settings of an organization's connection (as the console would). */
	configure(orgSlug: string, settings: Record<string, unknown>): Promise<void>;
	/** Revokes the tokens of the connection {@link connect} made (named after the IdP kind), as `roster token revoke` does. */
	revoke(orgSlug: string, idpKind: "entra" | "okta"): Promise<void>;
	close(): Promise<void>;
}

/**
 * The tenants keep time with a fake clock, so Roster's real per-second budget would throttle them by how fast
 * the machine runs the suite; rate limiting has its own tests (okta.backoff, apps/server rate-limit).
 */
const UNTHROTTLED = { rateLimit: { requestsPerSecond: 100_000 } };

export async function startRoster(): Promise<RosterUnderTest> {
	const harness = await createScimHarness();
	const db = harness.db.db;
	const orgId = async (slug: string) => {
		const [org] = await db.select().from(organizations).where(eq(organizations.slug, slug));
		if (!org) throw new Error(`no organization ${slug}`);
		return org.id;
	};
	return {
		harness,
		fetch: (url, init) => harness.app.request(url, init),
		async connect(orgSlug, idpKind) {
			const token = await harness.issueToken(orgSlug, idpKind, idpKind);
			await db
				.update(scimConnections)
				.set({ settings: UNTHROTTLED })
				.where(eq(scimConnections.orgId, await orgId(orgSlug)));
			return { token, admin: harness.clientFor(token) };
		},
		async auditActions(orgSlug, entityId) {
			const id = await orgId(orgSlug);
			const found = await db
				.select({ action: auditEvents.action, entityId: auditEvents.entityId })
				.from(auditEvents)
				.where(
					entityId
						? and(eq(auditEvents.orgId, id), eq(auditEvents.entityId, entityId))
						: eq(auditEvents.orgId, id),
				)
				.orderBy(auditEvents.id);
			return found;
		},
		async configure(orgSlug, settings) {
			await db
				.update(scimConnections)
				.set({ settings: { ...UNTHROTTLED, ...settings } })
				.where(eq(scimConnections.orgId, await orgId(orgSlug)));
		},
		async revoke(orgSlug, idpKind) {
			const organization = await requireOrganization(db, orgSlug);
			await revokeConnectionTokens(db, {
				organization,
				connectionName: idpKind,
				actor: { type: "system", name: "test" },
			});
		},
		close: () => harness.close(),
	};
}

/** A Roster listening on a loopback port, for tenants that run as servers and speak real HTTP to it. */
export async function startListeningRoster(): Promise<RosterUnderTest & { origin: string }> {
	const roster = await startRoster();
	let server: ReturnType<typeof serve> | undefined;
	const port = await new Promise<number>((resolve) => {
		server = serve({ fetch: roster.harness.app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
			resolve(info.port),
		);
	});
	return {
		...roster,
		origin: `http://127.0.0.1:${port}`,
		async close() {
			const listening = server as Server | undefined;
			listening?.closeAllConnections();
			await new Promise<void>((resolve) => (listening ? listening.close(() => resolve()) : resolve()));
			await roster.close();
		},
	};
}
