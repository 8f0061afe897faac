import { Hono } from "hono";
import type { MockOpenIdProvider } from "../oidc/provider.ts";
import type { TenantControl } from "./control.ts";
import { html } from "./html.ts";
import { MOCK_PASSWORD } from "./kinds.ts";
import type { PortalEnv } from "./portal.ts";

const STYLE =
	"body{margin:0;font:15px/1.45 'Segoe UI',system-ui,sans-serif;background:#f2f2f2;display:flex;justify-content:center}" +
	"main{background:#fff;margin:8vh 12px;padding:28px 32px;max-width:440px;width:100%;box-shadow:0 2px 6px rgba(0,0,0,.2)}" +
	"h1{font-size:24px;margin:4px 0 16px}label{display:block;font-weight:600;margin:10px 0 4px}" +
	"input{width:100%;padding:7px 8px;font:inherit;border:1px solid #666;border-radius:2px;box-sizing:border-box}" +
	"button{margin-top:18px;padding:7px 22px;font:inherit;color:#fff;background:var(--brand);border:0;border-radius:2px;cursor:pointer}" +
	".brand{font-weight:700;color:var(--brand)}.error{color:#a4262c;background:#fde7e9;padding:8px 10px;margin:10px 0}" +
	".hint{color:#555;font-size:13px;margin-top:16px}:focus-visible{outline:2px solid var(--brand);outline-offset:2px}";

function signInPage(
	control: TenantControl,
	uid: string,
	username: string,
	error: string | undefined,
): string {
	const entra = control.profile.vendor === "entra";
	return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${entra ? "Sign in to your account" : "Sign In"}</title><style>:root{--brand:${entra ? "#0067b8" : "#1662dd"}}${STYLE}</style></head>
<body><main><p class="brand">${entra ? "Microsoft (mock)" : "Okta (mock)"}</p><h1>${entra ? "Sign in" : "Sign In"}</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ""}
<form method="post" action="/interaction/${uid}">
<label for="username">${entra ? "Email, phone, or Skype" : "Username"}</label><input id="username" name="username" type="text" autocomplete="username" value="${username}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${entra ? "Sign in" : "Sign In"}</button></form>
<p class="hint">Mock tenant: the password of every user is <code>${MOCK_PASSWORD}</code>.</p></main></body></html>`
		.value;
}

function expiredPage(control: TenantControl): string {
	return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title><style>:root{--brand:#0067b8}${STYLE}</style></head>
<body><main><h1>Sign-in error</h1><p class="error" role="alert">${control.profile.vendor === "entra" ? "AADSTS90018: The sign-in request has expired or is unknown. Start again from the application." : "Your session has expired. Start again from the application."}</p></main></body></html>`
		.value;
}

/** The IdP's sign-in page for a pending authorization request (`/interaction/:uid`), styled as the IdP. */
export function signInRoutes(
	control: () => TenantControl,
	provider: () => MockOpenIdProvider,
): Hono<PortalEnv> {
	const app = new Hono<PortalEnv>();
	app.get("/:uid", async (c) => {
		try {
			const pending = await provider().pendingSignIn(c.env.incoming, c.env.outgoing);
			return c.html(signInPage(control(), pending.uid, pending.loginHint ?? "", undefined));
		} catch {
			return c.html(expiredPage(control()), 400);
		}
	});
	app.post("/:uid", async (c) => {
		const body = await c.req.parseBody();
		const username = typeof body.username === "string" ? body.username.slice(0, 256) : "";
		const password = typeof body.password === "string" ? body.password.slice(0, 256) : "";
		let result: Awaited<ReturnType<MockOpenIdProvider["finishSignIn"]>>;
		try {
			result = await provider().finishSignIn(c.env.incoming, c.env.outgoing, username, password);
		} catch {
			return c.html(expiredPage(control()), 400);
		}
		if ("refusal" in result)
			return c.html(signInPage(control(), c.req.param("uid"), username, result.refusal), 401);
		return c.redirect(result.redirectTo, 303);
	});
	return app;
}
