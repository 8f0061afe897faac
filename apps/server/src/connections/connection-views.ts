import { type Executor, type IdpKind, type Organization, scimConnections, scimTokens } from "@roster/db";
import { EXPIRING_SOON_DAYS } from "@roster/domain/inputs/connections";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { requireConnection } from "./connections.ts";
import { type ConnectionHealth, connectionHealth } from "./health.ts";
import { readConnectionSettings } from "./settings.ts";

const DAY_MS = 86_400_000;
/** Connections listed per organization: an organization has a few IdPs, never hundreds. */
const MAX_CONNECTIONS_LISTED = 200;

/** A connection as the console lists it: settings flattened, token counts and health at a glance. */
export interface ConnectionView {
	id: string;
	name: string;
	idpKind: IdpKind;
	createdAt: string;
	settings: { compatibility: string; userPatchResponse: string; requestsPerSecond: number };
	tokens: { live: number; expiringSoon: number; total: number };
	health: ConnectionHealth;
}

/** The SCIM switch and the slug the console builds the organization's base URLs from. */
export interface ConnectionsOverview {
	organization: { slug: string; name: string; scimEnabled: boolean };
	connections: ConnectionView[];
}

async function views(
	db: Executor,
	organization: Organization,
	connections: (typeof scimConnections.$inferSelect)[],
	now: Date,
): Promise<ConnectionView[]> {
	if (connections.length === 0) return [];
	const ids = connections.map((connection) => connection.id);
	const health = await connectionHealth(db, organization, ids, now);
	const soon = new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS);
	const live = sql`${scimTokens.revokedAt} is null and (${scimTokens.expiresAt} is null or ${scimTokens.expiresAt} > ${now.toISOString()}::timestamptz)`;
	const tokenCounts = await db
		.select({
			connectionId: scimTokens.connectionId,
			total: count(),
			live: count(sql`case when ${live} then 1 end`),
			expiringSoon: count(
				sql`case when ${live} and ${scimTokens.expiresAt} <= ${soon.toISOString()}::timestamptz then 1 end`,
			),
		})
		.from(scimTokens)
		.where(and(eq(scimTokens.orgId, organization.id), inArray(scimTokens.connectionId, ids)))
		.groupBy(scimTokens.connectionId);
	const counts = new Map(tokenCounts.map(({ connectionId, ...counted }) => [connectionId, counted] as const));
	return connections.map((connection) => {
		const settings = readConnectionSettings(connection.settings);
		const connectionHealthNow = health.get(connection.id);
		if (!connectionHealthNow) throw new Error("health missing for a listed connection");
		return {
			id: connection.id,
			name: connection.name,
			idpKind: connection.idpKind,
			createdAt: connection.createdAt.toISOString(),
			settings: {
				compatibility: settings.compatibility,
				userPatchResponse: settings.userPatchResponse,
				requestsPerSecond: settings.rateLimit.requestsPerSecond,
			},
			tokens: counts.get(connection.id) ?? { live: 0, expiringSoon: 0, total: 0 },
			health: connectionHealthNow,
		};
	});
}

/** The organization's connections by name (at most 200), with the organization's SCIM switch. */
export async function listConnections(
	db: Executor,
	organization: Organization,
	now: Date = new Date(),
): Promise<ConnectionsOverview> {
	const connections = await db
		.select()
		.from(scimConnections)
		.where(eq(scimConnections.orgId, organization.id))
		.orderBy(asc(scimConnections.name))
		.limit(MAX_CONNECTIONS_LISTED);
	return {
		organization: { slug: organization.slug, name: organization.name, scimEnabled: organization.scimEnabled },
		connections: await views(db, organization, connections, now),
	};
}

/** One connection of the organization; another organization's id is NOT_FOUND like an unknown one. */
export async function getConnection(
	db: Executor,
	input: { organization: Organization; connectionId: string },
	now: Date = new Date(),
): Promise<ConnectionView & { organization: ConnectionsOverview["organization"] }> {
	const connection = await requireConnection(db, input.organization, { connectionId: input.connectionId });
	const [view] = await views(db, input.organization, [connection], now);
	if (!view) throw new Error("no view for a found connection");
	const { slug, name, scimEnabled } = input.organization;
	return { ...view, organization: { slug, name, scimEnabled } };
}
