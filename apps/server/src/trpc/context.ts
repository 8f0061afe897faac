import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import type { ScimLoopback } from "../connections/test-connection.ts";
import type { AppDeps } from "../deps.ts";
import { type ClientAddress, clientAddressResolver } from "../http/client-address.ts";
import type { AppEnv } from "../http/variables.ts";
import { looksLikeSessionToken, resolveSession } from "../sessions/sessions.ts";
import type { ConsoleSession, SessionCookieWriter, TrpcContext } from "./trpc.ts";

/** The cookie the console keeps its session token in. */
export const SESSION_COOKIE = "roster_session";

const BEARER = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i;
const USER_AGENT_MAX = 512;

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

/**
 * The session cookie as the console needs it: unreadable by scripts (HttpOnly), never sent on cross-site
 * requests (SameSite=Strict), for the whole app (Path=/), and Secure whenever the client came over https.
 */
function sessionCookieWriter(resHeaders: Headers, address: ClientAddress): SessionCookieWriter {
	const flags = { httpOnly: true, sameSite: "Strict", path: "/", secure: address.https } as const;
	return {
		set(token, expiresAt) {
			resHeaders.append(
				"set-cookie",
				generateCookie(SESSION_COOKIE, token, { ...flags, expires: expiresAt }),
			);
		},
		clear() {
			resHeaders.append("set-cookie", generateCookie(SESSION_COOKIE, "", { ...flags, maxAge: 0 }));
		},
	};
}

/** What `createTrpcContext` receives from the tRPC adapter besides the Hono context. */
export interface TrpcAdapterOptions {
	resHeaders: Headers;
}

/**
 * Builds the tRPC context factory `createApp` mounts: per request, the presented console session, the
 * client's address (through the operator's trusted proxies) and a writer for the session cookie.
 */
export function trpcContextFactory(
	deps: Pick<AppDeps, "db" | "config">,
	scimLoopback: ScimLoopback,
): (opts: TrpcAdapterOptions, c: Context<AppEnv>) => Promise<TrpcContext> {
	const addressOf = clientAddressResolver(deps.config.trustedProxies);
	return async function createTrpcContext(opts, c) {
		const address = addressOf(c);
		const session = await consoleSessionOf(deps, c);
		return {
			db: deps.db.db,
			config: deps.config,
			logger: c.get("logger"),
			requestId: c.get("requestId"),
			session,
			client: { ip: address.ip, userAgent: c.req.header("user-agent")?.slice(0, USER_AGENT_MAX) },
			sessionCookie: sessionCookieWriter(opts.resHeaders, address),
			scimLoopback,
		};
	};
}
