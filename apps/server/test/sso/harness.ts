import { type AuditEvent, auditEvents } from "@roster/db";
import type { SsoSettingsInput } from "@roster/domain/inputs/sso";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import {
	MOCK_PASSWORD,
	type StandaloneAccount,
	type StandaloneProvider,
	startStandaloneProvider,
} from "../../../../e2e/idp/oidc/standalone.ts";
import {
	CONSOLE_ORIGIN,
	type ConsoleHarness,
	type ConsoleUser,
	createConsoleHarness,
} from "../trpc/harness.ts";

export { MOCK_PASSWORD } from "../../../../e2e/idp/oidc/standalone.ts";

/** Roster's origin in these tests (the app is driven in process with `app.request`). */
export const ROSTER = CONSOLE_ORIGIN;

export const CLIENT_ID = "roster-app";
export const CLIENT_SECRET = "client-secret-that-must-never-leak-0123456789";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

/** A person at an IdP whose SCIM userName is their login, as Entra and Okta send it. */
export function person(login: string, id = `sub-${login}`): StandaloneAccount {
	return {
		id,
		username: login,
		claims: { preferred_username: login, email: login, name: login.split("@")[0] },
	};
}

/**
 * A browser as far as single sign-on needs one: cookies per host (names only, paths ignored: the two
 * cookies Roster sets never collide), requests to Roster through `app.request`, to the IdP over the
 * network, and redirects followed by hand.
 */
export class Browser {
	readonly jars = new Map<string, Map<string, string>>();

	constructor(
		private readonly h: ConsoleHarness,
		/** The TCP peer address Roster sees (undefined: in process, never throttled). */
		private readonly ip?: string,
	) {}

	jar(url: string): Map<string, string> {
		const host = new URL(url).host;
		let jar = this.jars.get(host);
		if (!jar) {
			jar = new Map();
			this.jars.set(host, jar);
		}
		return jar;
	}

	cookie(url: string, name: string): string | undefined {
		return this.jar(url).get(name);
	}

	/** One request, its Set-Cookie headers kept (a cookie set to expire is dropped). */
	async request(
		url: string,
		init: { method?: string; form?: Record<string, string> } = {},
	): Promise<Response> {
		const jar = this.jar(url);
		const headers: Record<string, string> = {};
		if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
		const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
		if (body) headers["content-type"] = "application/x-www-form-urlencoded";
		const request = { method: init.method ?? "GET", headers, body, redirect: "manual" as const };
		const response = url.startsWith(ROSTER)
			? await this.h.app.request(
					url,
					request,
					this.ip ? { incoming: { socket: { remoteAddress: this.ip, remotePort: 40000 } } } : undefined,
				)
			: await fetch(url, request);
		for (const line of response.headers.getSetCookie()) {
			const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
			const [name = "", ...value] = pair.split("=");
			const gone = attributes.some((attribute) => /^max-age=0$/i.test(attribute));
			if (gone) jar.delete(name);
			else jar.set(name, value.join("="));
		}
		return response;
	}

	/**
	 * Follows redirects from `url` until a page answers, or until Roster sends the browser to its refusal
	 * page (returned as that redirect). `visited` lists every address requested.
	 */
	async follow(
		url: string,
		init: { method?: string; form?: Record<string, string> } = {},
		options: { stopBefore?: (url: string) => boolean } = {},
	): Promise<{ response: Response; url: string; visited: string[]; stoppedBefore?: string }> {
		let current = url;
		let next = init;
		const visited: string[] = [];
		for (let hop = 0; hop < 15; hop++) {
			visited.push(current);
			const response = await this.request(current, next);
			const location = response.headers.get("location");
			if (response.status < 300 || response.status >= 400 || !location) {
				return { response, url: current, visited };
			}
			const target = new URL(location, current).href;
			if (target.startsWith(`${ROSTER}/sign-in/refused`)) return { response, url: current, visited };
			if (options.stopBefore?.(target)) return { response, url: current, visited, stoppedBefore: target };
			current = target;
			next = {};
		}
		throw new Error(`too many redirects from ${url}`);
	}
}

/** Where a refused sign-in sends the browser: the `reason` of `/sign-in/refused?reason=…`, if it went there. */
export function refusalOf(response: Response): string | undefined {
	const location = response.headers.get("location");
	if (!location) return undefined;
	const target = new URL(location, ROSTER);
	return target.pathname === "/sign-in/refused" ? (target.searchParams.get("reason") ?? "") : undefined;
}

/** The IdP's sign-in page a browser sits on: where its form posts. */
export function signInFormAction(pageUrl: string): string {
	const url = new URL(pageUrl);
	if (!/^\/interaction\/[^/]+$/.test(url.pathname)) throw new Error(`not a sign-in page: ${pageUrl}`);
	return url.href;
}

/** The console harness, OpenID providers on real ports, and the steps of a sign-in. */
export interface SsoHarness extends ConsoleHarness {
	/** Starts a provider whose one client is Roster for the organization `slug`. */
	startProvider(slug: string, accounts?: StandaloneAccount[], clientId?: string): Promise<StandaloneProvider>;
	/** Saves `provider` as the organization's IdP through the console API, as its administrator. */
	configure(
		admin: ConsoleUser,
		provider: StandaloneProvider,
		change?: Partial<SsoSettingsInput>,
	): Promise<void>;
	/** Provisions a user over SCIM into `orgSlug` with the tier its role grants (`NONE`: no role). */
	provision(
		token: string,
		userName: string,
		options?: { tier?: "NONE" | "USER" | "ADMIN"; orgSlug?: string; externalId?: string },
	): Promise<string>;
	/** Starts a sign-in and stops on the IdP's sign-in page, or on Roster's refusal. */
	begin(browser: Browser, slug: string, next?: string): Promise<{ response: Response; url: string }>;
	/**
	 * Begins at Roster and signs in at the IdP, stopping before the browser goes back to Roster's callback:
	 * the callback address it would request (with the IdP's code and state).
	 */
	callbackFor(browser: Browser, slug: string, username: string, authorizationUrl?: string): Promise<string>;
	/** Signs in from the start: begins, submits the IdP's form, follows back to Roster's callback. */
	signIn(
		browser: Browser,
		slug: string,
		username: string,
		next?: string,
	): Promise<{ response: Response; url: string; visited: string[] }>;
	/** The audit events of an organization after `afterId`, oldest first. */
	auditAfter(orgId: string, afterId: number): Promise<AuditEvent[]>;
	/** The id of the newest audit event (0 when there is none). */
	lastAuditId(): Promise<number>;
}

export async function createSsoHarness(
	options: Parameters<typeof createConsoleHarness>[0] = {},
): Promise<SsoHarness> {
	const h = await createConsoleHarness(options);
	const providers: StandaloneProvider[] = [];

	async function startProvider(slug: string, accounts: StandaloneAccount[] = [], clientId = CLIENT_ID) {
		const provider = await startStandaloneProvider({
			relyingParty: {
				clientId,
				clientSecret: CLIENT_SECRET,
				redirectUris: [`${ROSTER}/auth/sso/${slug}/callback`],
			},
			accounts,
		});
		providers.push(provider);
		return provider;
	}

	async function configure(
		admin: ConsoleUser,
		provider: StandaloneProvider,
		change: Partial<SsoSettingsInput> = {},
	) {
		await admin.client.sso.save.mutate({
			enabled: true,
			issuer: provider.issuer,
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
			matchAttribute: "userName",
			matchClaim: "preferred_username",
			...change,
		});
	}

	async function provision(
		token: string,
		userName: string,
		{
			tier = "USER",
			orgSlug = "default",
			externalId,
		}: { tier?: string; orgSlug?: string; externalId?: string } = {},
	): Promise<string> {
		const reply = await h.clientFor(token)("POST", "/Users", {
			schemas: [USER_SCHEMA],
			userName,
			...(externalId ? { externalId } : {}),
			active: true,
			...(tier === "NONE" ? {} : { roles: [{ value: `urn:roster:role:organization:${orgSlug}:${tier}` }] }),
		});
		if (reply.status !== 201) throw new Error(`provisioning ${userName} failed: ${reply.text}`);
		return reply.body?.id as string;
	}

	async function begin(browser: Browser, slug: string, next?: string) {
		const query = next === undefined ? "" : `?next=${encodeURIComponent(next)}`;
		return browser.follow(`${ROSTER}/auth/sso/${slug}${query}`);
	}

	async function signIn(browser: Browser, slug: string, username: string, next?: string) {
		const started = await begin(browser, slug, next);
		if (refusalOf(started.response) !== undefined) return { ...started, visited: [] };
		return browser.follow(`${signInFormAction(started.url)}/login`, {
			method: "POST",
			form: { username, password: MOCK_PASSWORD },
		});
	}

	async function callbackFor(browser: Browser, slug: string, username: string, authorizationUrl?: string) {
		const toIdp =
			authorizationUrl ?? (await browser.request(`${ROSTER}/auth/sso/${slug}`)).headers.get("location");
		if (!toIdp) throw new Error(`no redirect to the IdP for ${slug}`);
		const page = await browser.follow(toIdp);
		const back = await browser.follow(
			`${signInFormAction(page.url)}/login`,
			{ method: "POST", form: { username, password: MOCK_PASSWORD } },
			{ stopBefore: (url) => url.startsWith(ROSTER) },
		);
		if (!back.stoppedBefore)
			throw new Error(`the IdP did not send ${username} back: ${back.response.status}`);
		return back.stoppedBefore;
	}

	async function auditAfter(orgId: string, afterId: number) {
		return h.db.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.id, afterId)))
			.orderBy(asc(auditEvents.id));
	}

	async function lastAuditId() {
		const [last] = await h.db.db
			.select({ id: auditEvents.id })
			.from(auditEvents)
			.orderBy(desc(auditEvents.id))
			.limit(1);
		return last?.id ?? 0;
	}

	return {
		...h,
		startProvider,
		configure,
		provision,
		begin,
		callbackFor,
		signIn,
		auditAfter,
		lastAuditId,
		async close() {
			await Promise.all(providers.map((provider) => provider.close()));
			await h.close();
		},
	};
}
