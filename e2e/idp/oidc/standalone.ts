import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AccountClaims, escapeHtml, MockOpenIdProvider, type RelyingParty } from "./provider.ts";

/** The password every mock tenant accepts (common brief), shown on the sign-in page. */
export const MOCK_PASSWORD = "mock-password";

/** One person who can sign in at the standalone provider. */
export interface StandaloneAccount {
	/** The account id, issued as the ID token's `sub`. */
	id: string;
	/** What the person types at the sign-in page (compared case-insensitively). */
	username: string;
	/** The claims released for the scopes, e.g. `preferred_username`, `email`, `name`. */
	claims: AccountClaims;
	/** A disabled account is refused by the provider itself (default: enabled). */
	enabled?: boolean;
}

export interface StandaloneProviderOptions {
	relyingParty: RelyingParty;
	accounts?: readonly StandaloneAccount[];
	/** Where it listens; default `127.0.0.1` on any free port. */
	host?: string;
	port?: number;
	/**
	 * The host the issuer names (`http://{issuerHost}:{port}`), default the listening host: `localhost`
	 * puts the IdP on another site than a Roster at 127.0.0.1, as a real IdP is to a browser.
	 */
	issuerHost?: string;
	/** Claims per scope; default: the OpenID standard profile and email claims. */
	scopeClaims?: Record<string, string[]>;
	/** The text the provider shows a disabled account (default Entra's `AADSTS50057`). */
	disabledRefusal?: string;
	/** The heading of the sign-in page. */
	title?: string;
}

/** A listening OpenID provider; its directory can be changed while it runs. */
export interface StandaloneProvider {
	issuer: string;
	provider: MockOpenIdProvider;
	/** Accounts by id: add, replace or disable people between sign-ins. */
	accounts: Map<string, StandaloneAccount>;
	close(): Promise<void>;
}

const DEFAULT_SCOPE_CLAIMS = {
	profile: ["name", "given_name", "family_name", "preferred_username"],
	email: ["email"],
};
const MAX_FORM_BYTES = 16 * 1024;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
	let body = "";
	for await (const chunk of req) {
		body += String(chunk);
		if (body.length > MAX_FORM_BYTES) break;
	}
	return new URLSearchParams(body.slice(0, MAX_FORM_BYTES));
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
	res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
	res.end(
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`,
	);
}

function signInForm(
	res: ServerResponse,
	options: { status: number; title: string; uid: string; username: string; refusal?: string },
): void {
	const action = `/interaction/${encodeURIComponent(options.uid)}`;
	const alert = options.refusal ? `<p role="alert">${escapeHtml(options.refusal)}</p>` : "";
	page(
		res,
		options.status,
		options.title,
		`<h1>${escapeHtml(options.title)}</h1>${alert}
<form method="post" action="${action}/login">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" value="${escapeHtml(options.username)}"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p>Every account's password is <code>${MOCK_PASSWORD}</code>.</p>
<p><button type="submit">Sign in</button></p>
</form>
<form method="post" action="${action}/abort"><button type="submit">Cancel</button></form>`,
	);
}

/**
 * A tiny OpenID provider listening on a port around {@link MockOpenIdProvider}, with a plain sign-in page
 * (`/interaction/{uid}`: username and password, or Cancel, which answers the application with
 * `error=access_denied`). The accounts are the test's; every one's password is `mock-password`.
 */
export async function startStandaloneProvider(
	options: StandaloneProviderOptions,
): Promise<StandaloneProvider> {
	const accounts = new Map((options.accounts ?? []).map((account) => [account.id, account]));
	const title = options.title ?? "Sign in";
	const server: Server = createServer();
	await new Promise<void>((resolve) =>
		server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
	);
	const { port } = server.address() as AddressInfo;
	const issuer = `http://${options.issuerHost ?? options.host ?? "127.0.0.1"}:${port}`;
	const byUsername = (username: string) =>
		[...accounts.values()].find(
			(account) => account.username.toLowerCase() === username.trim().toLowerCase(),
		);
	const provider = new MockOpenIdProvider({
		issuer,
		relyingParty: options.relyingParty,
		scopeClaims: options.scopeClaims ?? DEFAULT_SCOPE_CLAIMS,
		claimsOf: (id) => accounts.get(id)?.claims,
		authenticate(username, password) {
			const account = byUsername(username);
			if (!account || password !== MOCK_PASSWORD)
				return { refusal: "Your username or password is incorrect." };
			if (account.enabled === false) {
				return { refusal: options.disabledRefusal ?? "AADSTS50057: The user account is disabled." };
			}
			return { accountId: account.id };
		},
		interactionUrl: (uid) => `/interaction/${uid}`,
	});

	server.on("request", (req, res) => {
		void answer(req, res).catch((error: unknown) => {
			if (!res.headersSent) page(res, 500, "Error", `<h1>Error</h1><p>${escapeHtml(String(error))}</p>`);
			else res.end();
		});
	});

	async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? "/", issuer);
		const interaction = /^\/interaction\/([^/]+)(?:\/(login|abort))?$/.exec(url.pathname);
		if (!interaction) {
			provider.handler(req, res);
			return;
		}
		const uid = decodeURIComponent(interaction[1] ?? "");
		const step = interaction[2];
		if (step === undefined && req.method === "GET") {
			const pending = await provider.pendingSignIn(req, res);
			signInForm(res, { status: 200, title, uid: pending.uid, username: pending.loginHint ?? "" });
			return;
		}
		if (req.method !== "POST") {
			page(res, 405, "Not allowed", "<h1>Not allowed</h1>");
			return;
		}
		if (step === "abort") {
			const redirectTo = await provider.provider.interactionResult(req, res, {
				error: "access_denied",
				error_description: "The user cancelled the sign-in",
			});
			res.writeHead(303, { location: redirectTo }).end();
			return;
		}
		const form = await formOf(req);
		const username = form.get("username") ?? "";
		const result = await provider.finishSignIn(req, res, username, form.get("password") ?? "");
		if ("refusal" in result) {
			signInForm(res, { status: 403, title, uid, username, refusal: result.refusal });
			return;
		}
		res.writeHead(303, { location: result.redirectTo }).end();
	}

	return {
		issuer,
		provider,
		accounts,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
