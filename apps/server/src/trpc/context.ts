import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ScimLoopback } from "../connections/test-connection.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/variables.ts";
import { looksLikeSessionToken, resolveSession } from "../sessions/sessions.ts";
import type { ConsoleSession, TrpcContext } from "./trpc.ts";

/** The cookie the console keeps its session token in. */
export const SESSION_COOKIE = "roster_session";

const BEARER = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i;

/**
 * The session token a request presents: a bearer token when the Authorization header carries a session
 * token, else the `roster_session` cookie (so a proxy's own Authorization header does not hide it).
 */
function presentedToken(c: Context<AppEnv>): string | undefined {
	const bearer = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
	if (bearer !== undefined && looksLikeSessionToken(bearer)) return bearer;
	return getCookie(c, SESSION_COOKIE);
}

/**
 * The console session a request presents, checked against its row (one indexed query, no cache), so a
 * session deleted by deprovisioning is refused on the very next request; null when there is none.
 * tRPC procedures and the console's plain HTTP routes (downloads) both authenticate through it.
 */
export async function consoleSessionOf(
	deps: Pick<AppDeps, "db" | "config">,
	c: Context<AppEnv>,
): Promise<ConsoleSession | null> {
	const token = presentedToken(c);
	if (!token) return null;
	const resolved = await resolveSession(deps.db.db, token, deps.config.secret);
	if (!resolved) return null;
	return {
		sessionId: resolved.session.id,
		userId: resolved.user.id,
		organizationId: resolved.user.orgId,
		userName: resolved.user.userName,
		tier: resolved.user.tier,
		expiresAt: resolved.session.expiresAt,
	};
}

/** Builds a tRPC request's context around the presented console session. */
export async function createTrpcContext(
	deps: Pick<AppDeps, "db" | "config">,
	c: Context<AppEnv>,
	scimLoopback: ScimLoopback,
): Promise<TrpcContext> {
	const session = await consoleSessionOf(deps, c);
	return {
		db: deps.db.db,
		config: deps.config,
		logger: c.get("logger"),
		requestId: c.get("requestId"),
		session,
		scimLoopback,
	};
}
