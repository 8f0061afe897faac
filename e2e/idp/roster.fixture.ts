import { auditEvents, organizations, scimConnections } from "@roster/db";
import { and, eq } from "drizzle-orm";
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
		close: () => harness.close(),
	};
}
