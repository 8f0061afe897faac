import { z } from "zod";

/** Which user attribute an IdP claim is matched against at sign-in. */
export const ssoMatchAttributes = ["userName", "externalId"] as const;
export type SsoMatchAttribute = (typeof ssoMatchAttributes)[number];

/**
 * The claim each attribute is matched with unless the administrator names another: the IdP's login name
 * for `userName` (Entra's UPN, Okta's login), the subject for `externalId` (Okta sends its user id as both).
 */
export const DEFAULT_MATCH_CLAIM: Record<SsoMatchAttribute, string> = {
	userName: "preferred_username",
	externalId: "sub",
};

/**
 * Why a single sign-on was refused, as `/sign-in/refused?reason=` names it. `throttled` is Roster's own:
 * the client address made too many failed sign-ins (password or single sign-on) and waits.
 */
export const ssoRefusalReasons = [
	"not_provisioned",
	"inactive",
	"no_access",
	"idp_error",
	"invalid_response",
	"expired",
	"not_configured",
	"throttled",
] as const;
export type SsoRefusalReason = (typeof ssoRefusalReasons)[number];

/** True for a reason code Roster sends, so a page can ignore anything else in its address. */
export function isSsoRefusalReason(value: unknown): value is SsoRefusalReason {
	return typeof value === "string" && (ssoRefusalReasons as readonly string[]).includes(value);
}

/** The longest return path kept; a longer one is dropped, never truncated into another path. */
export const MAX_NEXT_LENGTH = 2048;

const PLACEHOLDER_ORIGIN = "http://roster.invalid";

/**
 * `value` as a path on this site to go to after signing in, or undefined when it is anything else, so
 * sign-in can never be turned into an open redirect. Resolved the way a browser resolves it: `//evil`,
 * `/\evil` and `/<tab>/evil` (URL parsers drop tabs and newlines) all leave the site and are refused.
 * The one rule for the console's `?next=` and the server's single sign-on.
 */
export function safeNextPath(value: unknown): string | undefined {
	if (typeof value !== "string" || value.length > MAX_NEXT_LENGTH || !value.startsWith("/")) return undefined;
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
	if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
	let resolved: URL;
	try {
		resolved = new URL(value, PLACEHOLDER_ORIGIN);
	} catch {
		return undefined;
	}
	if (resolved.origin !== PLACEHOLDER_ORIGIN) return undefined;
	return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/**
 * True for hosts that only this machine can reach (`localhost`, `127.0.0.0/8`, `::1`): the one place an
 * `http:` issuer is accepted, since nobody on a network can read or change what goes over loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
	// Not `*.localhost`: browsers pin it to loopback, but this server's resolver may send it anywhere.
	if (host === "localhost" || host === "::1") return true;
	return /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host);
}

/**
 * Why `text` cannot be an OpenID issuer Roster talks to, or undefined when it can: an absolute `https:`
 * URL without credentials, query or fragment; `http:` only on a loopback host (decision 0182).
 */
export function issuerProblem(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return "Enter the issuer as a full URL, e.g. https://login.microsoftonline.com/{tenant}/v2.0";
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") return "The issuer must be an https:// URL";
	if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
		return "The issuer must use https:// (plain http is accepted only for localhost)";
	}
	if (url.username || url.password) return "The issuer must not contain a user name or password";
	if (url.search || url.hash || text.includes("?") || text.includes("#")) {
		return "The issuer must not have a query (?…) or fragment (#…)";
	}
	return undefined;
}

const issuer = z
	.string()
	.trim()
	.max(2048, "Keep the issuer under 2048 characters")
	.superRefine((text, ctx) => {
		if (text === "") return;
		const problem = issuerProblem(text);
		if (problem) ctx.addIssue({ code: "custom", message: problem });
	});

const claimName = z
	.string()
	.trim()
	.min(1, "Name the claim, e.g. preferred_username")
	.max(100, "Keep the claim name under 100 characters")
	.regex(/^[A-Za-z0-9_.:/-]+$/, "Use letters, digits and _ . : / - only");

/**
 * What an administrator saves for their organization's single sign-on. The secret is write-only: omitted
 * (or empty) keeps the stored one. Turning single sign-on on needs an issuer, a client id and a secret;
 * whether a secret is already stored is checked by the server.
 */
export const ssoSettingsInput = z
	.object({
		enabled: z.boolean(),
		issuer,
		clientId: z.string().trim().max(255, "Keep the client id under 255 characters"),
		clientSecret: z.string().max(1024, "Keep the client secret under 1024 characters").optional(),
		matchAttribute: z.enum(ssoMatchAttributes),
		matchClaim: claimName,
	})
	.superRefine((settings, ctx) => {
		if (!settings.enabled) return;
		if (settings.issuer === "") {
			ctx.addIssue({
				code: "custom",
				path: ["issuer"],
				message: "Enter the issuer to turn single sign-on on",
			});
		}
		if (settings.clientId === "") {
			ctx.addIssue({
				code: "custom",
				path: ["clientId"],
				message: "Enter the client id to turn single sign-on on",
			});
		}
	});
export type SsoSettingsInput = z.input<typeof ssoSettingsInput>;
export type SsoSettingsChange = z.output<typeof ssoSettingsInput>;

/** "Check issuer" asks about the issuer typed in the form, saved or not. */
export const checkIssuerInput = z.object({
	issuer: issuer.refine((text) => text !== "", "Enter the issuer first"),
});
