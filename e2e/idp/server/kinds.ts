import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { DirectoryUser } from "../directory.ts";

/** The four mock tenant profiles (shared/idp/README.md §3). */
export const TENANT_KINDS = ["entra", "entra-flag", "okta-oin", "okta-aiw"] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

/** The one password of every directory user at the mock IdP's sign-in page. */
export const MOCK_PASSWORD = "mock-password";

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** An Okta object id: a three-character type prefix (`00u` users, `00g` groups, `0oa` apps) and 17 characters. */
export function oktaId(prefix: "00u" | "00g" | "0oa"): string {
	const bytes = randomBytes(17);
	return prefix + [...bytes].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

/** What differs between the IdPs on the pages, at sign-in and in ID tokens. */
export interface KindProfile {
	kind: TenantKind;
	vendor: "entra" | "okta";
	/** The portal's title, e.g. "Microsoft Entra admin center (mock)". */
	portal: string;
	/** What the provisioning page calls the SCIM URL and the secret. */
	urlLabel: string;
	tokenLabel: string;
	domain: string;
	newObjectId(kind: "user" | "group"): string;
	newClientId(): string;
	/** Claims released for scopes `profile` and `email` (common.md), beside `sub`. */
	scopeClaims: Record<string, string[]>;
	/** The `sub` of a user for this app. */
	subjectOf(user: DirectoryUser, appId: string): string;
	claimsOf(user: DirectoryUser, tenantId: string): Record<string, unknown>;
	refusals: { unknown(login: string): string; wrongPassword: string; disabled: string };
}

const entra = (kind: "entra" | "entra-flag"): KindProfile => ({
	kind,
	vendor: "entra",
	portal: "Microsoft Entra admin center (mock)",
	urlLabel: "Tenant URL",
	tokenLabel: "Secret Token",
	domain: `${kind}.contoso.example`,
	newObjectId: () => randomUUID(),
	newClientId: () => randomUUID(),
	scopeClaims: {
		profile: ["name", "given_name", "family_name", "preferred_username", "oid", "tid", "upn"],
		email: ["email"],
	},
	// Entra's `sub` is pairwise: the same person has a different, stable `sub` in each application.
	subjectOf: (user, appId) =>
		createHash("sha256").update(`${appId}:${user.id}`).digest("base64url").slice(0, 43),
	claimsOf: (user, tenantId) => ({
		oid: user.id,
		tid: tenantId,
		preferred_username: user.userPrincipalName,
		upn: user.userPrincipalName,
		email: user.mail,
		name: user.displayName,
		given_name: user.givenName,
		family_name: user.surname,
	}),
	refusals: {
		unknown: (login) =>
			`AADSTS50034: The user account ${login} does not exist in the directory. To sign into this application, the account must be added to the directory.`,
		wrongPassword: "AADSTS50126: Error validating credentials due to invalid username or password.",
		disabled: "AADSTS50057: The user account is disabled.",
	},
});

const okta = (kind: "okta-oin" | "okta-aiw"): KindProfile => ({
	kind,
	vendor: "okta",
	portal: "Okta Admin (mock)",
	urlLabel: "SCIM connector base URL",
	tokenLabel: "API token (Bearer)",
	domain: `${kind}.example`,
	newObjectId: (objectKind) => oktaId(objectKind === "user" ? "00u" : "00g"),
	newClientId: () => oktaId("0oa"),
	scopeClaims: { profile: ["name", "given_name", "family_name", "preferred_username"], email: ["email"] },
	// Okta's `sub` is the Okta user id, which is also the SCIM externalId Okta sends.
	subjectOf: (user) => user.id,
	claimsOf: (user) => ({
		preferred_username: user.userPrincipalName,
		email: user.mail,
		name: user.displayName,
		given_name: user.givenName,
		family_name: user.surname,
	}),
	refusals: {
		unknown: () => "Unable to sign in",
		wrongPassword: "Unable to sign in",
		disabled: "This account is deactivated",
	},
});

export function profileOfKind(kind: TenantKind): KindProfile {
	switch (kind) {
		case "entra":
		case "entra-flag":
			return entra(kind);
		case "okta-oin":
		case "okta-aiw":
			return okta(kind);
	}
}
