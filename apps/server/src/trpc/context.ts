import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import type { ScimLoopback } from "../connections/test-connection.ts";
import type { AppDeps } from "../deps.ts";
import { type ClientAddress, clientAddressResolver } from "../http/client-address.ts";
import { crossSiteRefusal } from "../http/csrf.ts";
import type { AppEnv } from "../http/variables.ts";
import { CONSOLE_IDLE_TIMEOUT_SECONDS, looksLikeSessionToken, resolveSession } from "../sessions/sessions.ts";
import type { ConsoleSession, SessionCookieWriter, TrpcContext } from "./trpc.ts";

/** The cookie the console keeps its session token in. */
export const SESSION_COOKIE = "roster_session";

const BEARER = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i;
const USER_AGENT_MAX = 512;

/** A session token as presented, and how: a browser adds cookies on its own, a bearer token it never does. */
interface PresentedToken {
	token: string;
	via: "bearer" | "cookie";
}

/**
 * The session token a request presents: a bearer token when the Authorization header carries a session
 * token, else the `roster_session` cookie (so a proxy's own Authorization header does not hide it).
 */
function presentedToken(c: Context<AppEnv>): PresentedToken | undefined {
	const bearer = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
	if (bearer !== undefined && looksLikeSessionToken(bearer)) return { token: bearer, via: "bearer" };
	const cookie = getCookie(c, SESSION_COOKIE);
	return cookie ? { token: cookie, via: "cookie" } : undefined;
}

async function sessionOfToken(
	deps: Pick<AppDeps, "db" | "config">,
	token: string,
): Promise<ConsoleSession | null> {
	const resolved = await resolveSession(deps.db.db, token, deps.config.secret, new Date(), {
		idleTimeoutSeconds: CONSOLE_IDLE_TIMEOUT_SECONDS,
	});
	if (!resolved) return null;
	return {
		sessionId: resolved.session.id,
		userId: resolved.user.id,
		organizationId: resolved.user.orgId,
		userName: resolved.user.userName,
		tier: resolved.user.tier,
		expiresAt: resolved.session.expiresAt,
		lastSeenAt: resolved.session.lastSeenAt,
	};
}

/**
 * The console session a request presents, checked against its row (one indexed query, no cache), so a
 * session deleted by deprovisioning is refused on the very next request; null when there is none, when
 * it is past its absolute end or idle for longer than `CONSOLE_IDLE_TIMEOUT_SECONDS`. tRPC procedures and
 * the console's plain HTTP routes (downloads, plain GETs a link can make: SameSite=Strict keeps other
 * sites' links from carrying the cookie) both authenticate through it. A read: nothing is written.
 */
export async function consoleSessionOf(
	deps: Pick<AppDeps, "db" | "config">,
	c: Context<AppEnv>,
): Promise<ConsoleSession | null> {
	const presented = presentedToken(c);
	return presented ? sessionOfToken(deps, presented.token) : null;
}

/**
 * The session cookie as the console needs it: unreadable by scripts (HttpOnly), never sent on cross-site
 * requests (SameSite=Strict), for the whole app (Path=/), and Secure whenever the client came over https.
 */
export function sessionCookieWriter(resHeaders: Headers, address: ClientAddress): SessionCookieWriter {
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
 * client's address (through the operator's trusted proxies), a writer for the session cookie, and
 * whether the request provably comes from the console (see `crossSiteRefusal`). A cookie presented by a
 * request that does not is not even looked up, so a refused cross-site call reads and writes nothing.
 */
export function trpcContextFactory(
	deps: Pick<AppDeps, "db" | "config">,
	scimLoopback: ScimLoopback,
): (opts: TrpcAdapterOptions, c: Context<AppEnv>) => Promise<TrpcContext> {
	const addressOf = clientAddressResolver(deps.config.trustedProxies);
	return async function createTrpcContext(opts, c) {
		const address = addressOf(c);
		const presented = presentedToken(c);
		const csrfRefusal = crossSiteRefusal(c, address.origin);
		const trusted = presented !== undefined && (csrfRefusal === null || presented.via === "bearer");
		const session = trusted ? await sessionOfToken(deps, presented.token) : null;
		return {
			db: deps.db.db,
			config: deps.config,
			logger: c.get("logger"),
			requestId: c.get("requestId"),
			session,
			client: {
				ip: address.ip,
				userAgent: c.req.header("user-agent")?.slice(0, USER_AGENT_MAX),
				origin: address.origin,
			},
			sessionCookie: sessionCookieWriter(opts.resHeaders, address),
			csrfRefusal,
			credential: presented?.via ?? null,
			scimLoopback,
		};
	};
}
