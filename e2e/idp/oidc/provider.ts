import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type Configuration, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";

/** The claims one person of the tenant's directory carries in ID tokens; `sub` is set by the provider. */
export type AccountClaims = Record<string, unknown>;

/** The IdP's own verdict on a sign-in attempt: the account, or the error text the IdP shows. */
export type Authentication = { accountId: string } | { refusal: string };

/** The one application (Roster) this tenant issues tokens to, as registered in the IdP. */
export interface RelyingParty {
	clientId: string;
	clientSecret: string;
	redirectUris: string[];
}

export interface OpenIdProviderOptions {
	/** The issuer URL, e.g. `http://127.0.0.1:9101`; the provider's endpoints are served at its root. */
	issuer: string;
	relyingParty: RelyingParty;
	/** Claims per scope, as the IdP releases them (Entra adds `oid`, `upn`, `tid`; Okta `preferred_username` is the login). */
	scopeClaims: Record<string, string[]>;
	/** The claims of an account, or undefined once it is gone from the directory. */
	claimsOf(accountId: string): AccountClaims | undefined;
	/** Checks a username and password as the IdP would (disabled users are refused by the IdP itself). */
	authenticate(username: string, password: string): Authentication;
	/** Where the provider sends the browser to sign in: the tenant's own page for an interaction uid. */
	interactionUrl(uid: string): string;
	/** The RS256 signing key, kept across rebuilds so relying parties' cached JWKS stay valid; new when left out. */
	signingKey?: SigningKey;
}

/** An RS256 private JWK with its key id, as the provider signs ID tokens with it. */
export type SigningKey = Record<string, unknown> & { kid: string };

/** A fresh 2048-bit RS256 signing key. */
export function newSigningKey(): SigningKey {
	const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	return {
		...(privateKey.export({ format: "jwk" }) as Record<string, unknown>),
		kid: randomBytes(8).toString("hex"),
		use: "sig",
		alg: "RS256",
	};
}

/** What a sign-in page needs to know about a pending authorization request. */
export interface PendingSignIn {
	uid: string;
	clientId: string;
	/** The username the application suggested (`login_hint`), if any. */
	loginHint: string | undefined;
}

/**
 * A real OpenID provider (oidc-provider) issuing tokens for one mock tenant's directory: authorization
 * code with PKCE required, RS256 ID tokens that carry the tenant's claims, one registered client. The
 * sign-in page is the tenant's; it reports the result through {@link MockOpenIdProvider.finishSignIn}.
 * Consent is implied, as for an enterprise app an administrator has consented to for the whole tenant.
 */
export class MockOpenIdProvider {
	readonly provider: Provider;
	readonly #options: OpenIdProviderOptions;

	constructor(options: OpenIdProviderOptions) {
		this.#options = options;
		const signingKey = options.signingKey ?? newSigningKey();
		const configuration: Configuration = {
			clients: [
				{
					client_id: options.relyingParty.clientId,
					client_secret: options.relyingParty.clientSecret,
					redirect_uris: options.relyingParty.redirectUris,
					grant_types: ["authorization_code"],
					response_types: ["code"],
					token_endpoint_auth_method: "client_secret_basic",
				},
			],
			jwks: { keys: [signingKey] },
			cookies: { keys: [randomBytes(32).toString("hex")] },
			pkce: { required: () => true },
			scopes: ["openid", ...Object.keys(options.scopeClaims).filter((scope) => scope !== "openid")],
			claims: { openid: ["sub"], ...options.scopeClaims },
			// Scope claims go in the ID token too, as Entra and Okta put them there for the code flow.
			conformIdTokenClaims: false,
			features: { devInteractions: { enabled: false } },
			interactions: {
				policy: signInAgainWhenAccountIsGone(),
				url: (_ctx, interaction) => options.interactionUrl(interaction.uid),
			},
			findAccount: (_ctx, sub) => {
				const claims = options.claimsOf(sub);
				return claims ? { accountId: sub, claims: () => ({ ...claims, sub }) } : undefined;
			},
			loadExistingGrant: (ctx: KoaContextWithOIDC) => this.#grantFor(ctx),
			ttl: {
				Session: 3600,
				Interaction: 600,
				Grant: 3600,
				AuthorizationCode: 60,
				AccessToken: 600,
				IdToken: 600,
			},
			renderError: (ctx, out) => {
				ctx.type = "html";
				ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ""))}</p>`;
			},
		};
		this.provider = new Provider(options.issuer, configuration);
		this.provider.proxy = true;
	}

	/** The node request handler for every provider endpoint (discovery, /auth, /token, /jwks, /me, …). */
	get handler(): (req: IncomingMessage, res: ServerResponse) => void {
		return this.provider.callback();
	}

	/** The pending authorization request behind a sign-in page. */
	async pendingSignIn(req: IncomingMessage, res: ServerResponse): Promise<PendingSignIn> {
		const details = await this.provider.interactionDetails(req, res);
		const hint = details.params.login_hint;
		return {
			uid: details.uid,
			clientId: String(details.params.client_id),
			loginHint: typeof hint === "string" ? hint : undefined,
		};
	}

	/**
	 * Checks the submitted credentials; on success returns where the browser goes next (back into the
	 * provider, which redirects to the application with a code), on refusal the IdP's error text.
	 */
	async finishSignIn(
		req: IncomingMessage,
		res: ServerResponse,
		username: string,
		password: string,
	): Promise<{ redirectTo: string } | { refusal: string }> {
		const verdict = this.#options.authenticate(username, password);
		if ("refusal" in verdict) return verdict;
		const redirectTo = await this.provider.interactionResult(
			req,
			res,
			{ login: { accountId: verdict.accountId } },
			{ mergeWithLastSubmission: false },
		);
		return { redirectTo };
	}

	/** Enterprise consent: the grant of the registered scopes is made on first use. */
	async #grantFor(ctx: KoaContextWithOIDC) {
		const { oidc } = ctx;
		const accountId = oidc.session?.accountId;
		if (!oidc.client || !accountId) return undefined;
		const existing = oidc.session?.grantIdFor(oidc.client.clientId);
		if (existing) {
			const grant = await oidc.provider.Grant.find(existing);
			if (grant) return grant;
		}
		const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId });
		grant.addOIDCScope(["openid", ...Object.keys(this.#options.scopeClaims)].join(" "));
		await grant.save();
		return grant;
	}
}

/**
 * The default prompts, with one more reason to ask for a sign-in: the IdP session names an account that
 * may no longer sign in (disabled or deleted since, so `findAccount` finds nothing). Without it the
 * provider went on with the stale session and answered `server_error`; the IdPs end such a session and
 * the sign-in page then gives their own refusal (AADSTS50057, "This account is deactivated").
 */
function signInAgainWhenAccountIsGone(): interactionPolicy.DefaultPolicy {
	const policy = interactionPolicy.base();
	policy
		.get("login")
		?.checks.add(
			new interactionPolicy.Check(
				"account_gone",
				"The account of this session can no longer sign in",
				(ctx) => Boolean(ctx.oidc.session?.accountId) && ctx.oidc.account === undefined,
			),
			0,
		);
	return policy;
}

/** Text for HTML, with the five characters that could end an element or attribute escaped. */
export function escapeHtml(text: string): string {
	return text
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;")
		.replaceAll("'", "&#39;");
}
