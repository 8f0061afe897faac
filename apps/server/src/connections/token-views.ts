import { type Executor, type Organization, type ScimToken, scimConnections, scimTokens } from "@roster/db";
import { EXPIRING_SOON_DAYS } from "@roster/domain/inputs/connections";
import { and, asc, desc, eq, gt, ilike, isNull, lte, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { requireConnection } from "./connections.ts";
import { isLive } from "./scim-tokens.ts";

const DAY_MS = 86_400_000;
/** Tokens listed per connection; a connection holds a handful, rotation adds one per cycle. */
const MAX_TOKENS_LISTED = 200;
const MAX_EXPIRING_LISTED = 100;

/** A token's state as the console shows it; `expiring` is live with an expiry within `EXPIRING_SOON_DAYS`. */
export type TokenState = "active" | "expiring" | "expired" | "revoked";

/** What the console shows of a token: its prefix, never the secret or its hash. */
export interface TokenView {
	id: string;
	prefix: string;
	createdAt: string;
	createdBy: string | null;
	expiresAt: string | null;
	lastUsedAt: string | null;
	lastUsedIp: string | null;
	revokedAt: string | null;
	rotatedFrom: { id: string; prefix: string } | null;
	state: TokenState;
}

/** The state of a token at `now`. */
export function tokenState(token: Pick<ScimToken, "revokedAt" | "expiresAt">, now: Date): TokenState {
	if (token.revokedAt !== null) return "revoked";
	if (!isLive(token, now)) return "expired";
	if (token.expiresAt !== null && token.expiresAt.getTime() - now.getTime() <= EXPIRING_SOON_DAYS * DAY_MS) {
		return "expiring";
	}
	return "active";
}

/** A token row as the console sees it. */
export function tokenView(
	token: ScimToken,
	previous: { id: string; prefix: string } | null,
	now: Date,
): TokenView {
	return {
		id: token.id,
		prefix: token.prefix,
		createdAt: token.createdAt.toISOString(),
		createdBy: token.createdBy,
		expiresAt: token.expiresAt?.toISOString() ?? null,
		lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
		lastUsedIp: token.lastUsedIp,
		revokedAt: token.revokedAt?.toISOString() ?? null,
		rotatedFrom: previous,
		state: tokenState(token, now),
	};
}

function likePattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A connection's tokens, newest first, each with the prefix of the token it replaced; `search` matches
 * the prefix or the creator's name. Unknown and other organizations' connections are NOT_FOUND.
 */
export async function listConnectionTokens(
	db: Executor,
	input: { organization: Organization; connectionId: string; search?: string | undefined },
	now: Date = new Date(),
): Promise<TokenView[]> {
	const connection = await requireConnection(db, input.organization, { connectionId: input.connectionId });
	const previous = alias(scimTokens, "previous");
	const search = input.search?.trim();
	const found = await db
		.select({ token: scimTokens, previous: { id: previous.id, prefix: previous.prefix } })
		.from(scimTokens)
		.leftJoin(previous, eq(previous.id, scimTokens.rotatedFrom))
		.where(
			and(
				eq(scimTokens.orgId, input.organization.id),
				eq(scimTokens.connectionId, connection.id),
				search
					? or(
							ilike(scimTokens.prefix, likePattern(search)),
							ilike(scimTokens.createdBy, likePattern(search)),
						)
					: undefined,
			),
		)
		.orderBy(desc(scimTokens.createdAt), desc(scimTokens.id))
		.limit(MAX_TOKENS_LISTED);
	return found.map((row) => tokenView(row.token, row.previous, now));
}

/** A live token whose expiry is near, with its connection, for the dashboard and the connections list. */
export interface ExpiringToken extends Omit<TokenView, "rotatedFrom"> {
	connection: { id: string; name: string };
}

/** The organization's live tokens that expire within `withinDays`, soonest first (at most 100). */
export async function expiringTokens(
	db: Executor,
	input: { organization: Organization; withinDays: number },
	now: Date = new Date(),
): Promise<ExpiringToken[]> {
	const found = await db
		.select({ token: scimTokens, connection: { id: scimConnections.id, name: scimConnections.name } })
		.from(scimTokens)
		.innerJoin(scimConnections, eq(scimConnections.id, scimTokens.connectionId))
		.where(
			and(
				eq(scimTokens.orgId, input.organization.id),
				isNull(scimTokens.revokedAt),
				gt(scimTokens.expiresAt, now),
				lte(scimTokens.expiresAt, new Date(now.getTime() + input.withinDays * DAY_MS)),
			),
		)
		.orderBy(asc(scimTokens.expiresAt))
		.limit(MAX_EXPIRING_LISTED);
	return found.map((row) => {
		const { rotatedFrom: _unlisted, ...view } = tokenView(row.token, null, now);
		return { ...view, connection: row.connection };
	});
}
