import type { SsoRefusalReason } from "@roster/domain/inputs/sso";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import type { AppDeps } from "../deps.ts";
import { type ClientAddress, clientAddressResolver } from "../http/client-address.ts";
import type { AppEnv } from "../http/variables.ts";
import type { SsoDeps } from "../sso/configured.ts";
import { createDiscoveryCache } from "../sso/discovery.ts";
import { PENDING_LOGIN_TTL_MS } from "../sso/pending-login.ts";
import type { SsoClient } from "../sso/refusals.ts";
import { finishSsoSignIn, startSsoSignIn } from "../sso/sign-in.ts";
import { sessionCookieWriter } from "./context.ts";

/** The cookie a sign-in begun at the IdP is carried in until the callback, sealed. */
export const SSO_PENDING_COOKIE = "roster_sso";

/** Only the single sign-on routes ever see the pending-login cookie. */
const PENDING_COOKIE_PATH = "/auth/sso";
const USER_AGENT_MAX = 512;

/** The console page that explains a refused single sign-on. */
function refused(c: Context<AppEnv>, reason: SsoRefusalReason): Response {
	return c.redirect(`/sign-in/refused?reason=${reason}`, 303);
}

/**
 * The answer to a successful callback: a same-origin page that moves the browser on to `next`. The
 * callback is reached by a redirect from the IdP's site, so a `SameSite=Strict` session cookie set here
 * would not be sent if the browser were redirected onwards in the same navigation; a navigation this page
 * starts is same-site, so the very next request carries it. No script: a meta refresh and a link.
 */
function continuePage(next: string) {
	return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=${next}">
<title>Signed in to Roster</title>
</head>
<body>
<main>
<h1>Signed in</h1>
<p><a href="${next}">Continue to Roster</a></p>
</main>
</body>
</html>`;
}

/**
 * Sign-in with single sign-on (OpenID Connect), per organization: `GET /auth/sso/{slug}?next=/path` sends
 * the browser to the organization's IdP, `GET /auth/sso/{slug}/callback` is the redirect URI registered
 * there. Every refusal lands on the console's `/sign-in/refused?reason=…`. Nothing here is cached by the
 * browser or leaks the callback's code in a Referer.
 */
export function createSsoApp(deps: Pick<AppDeps, "db" | "config">): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const addressOf = clientAddressResolver(deps.config.trustedProxies);
	const discovery = createDiscoveryCache();

	const ssoDeps = (c: Context<AppEnv>): SsoDeps => ({
		db: deps.db.db,
		secret: deps.config.secret,
		logger: c.get("logger"),
		discovery,
	});
	const clientOf = (c: Context<AppEnv>, address: ClientAddress): SsoClient => ({
		ip: address.ip,
		userAgent: c.req.header("user-agent")?.slice(0, USER_AGENT_MAX),
		origin: deps.config.publicUrl ?? address.origin,
	});
	const pendingCookieFlags = (address: ClientAddress) =>
		({ httpOnly: true, sameSite: "Lax", path: PENDING_COOKIE_PATH, secure: address.https }) as const;

	app.use("*", async (c, next) => {
		await next();
		c.res.headers.set("Cache-Control", "no-store");
		c.res.headers.set("Referrer-Policy", "no-referrer");
	});

	app.get("/:slug", async (c) => {
		const address = addressOf(c);
		const started = await startSsoSignIn(ssoDeps(c), {
			slug: c.req.param("slug"),
			next: c.req.query("next"),
			client: clientOf(c, address),
		});
		if (!started.ok) return refused(c, started.reason);
		setCookie(c, SSO_PENDING_COOKIE, started.pendingLogin, {
			...pendingCookieFlags(address),
			maxAge: PENDING_LOGIN_TTL_MS / 1000,
		});
		return c.redirect(started.authorizationUrl, 302);
	});

	app.get("/:slug/callback", async (c) => {
		const address = addressOf(c);
		const pendingLogin = getCookie(c, SSO_PENDING_COOKIE);
		// The pending login is spent whatever happens next: a second use of this callback finds none.
		deleteCookie(c, SSO_PENDING_COOKIE, pendingCookieFlags(address));
		const finished = await finishSsoSignIn(ssoDeps(c), {
			slug: c.req.param("slug"),
			query: new URL(c.req.url).searchParams,
			pendingLogin,
			client: clientOf(c, address),
		});
		if (!finished.ok) return refused(c, finished.reason);
		const page = await c.html(continuePage(finished.next));
		sessionCookieWriter(page.headers, address).set(finished.token, finished.expiresAt);
		page.headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
		return page;
	});

	return app;
}
