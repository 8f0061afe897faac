import type { IdpGuide } from "./idp-guides.ts";

/** The identity providers a connection can be set up for; `generic` is any other SCIM 2.0 client. */
export const idpKinds = ["entra", "okta", "ping", "onelogin", "generic"] as const;
export type IdpKind = (typeof idpKinds)[number];

/**
 * A connection's response profile: `auto` picks it per request from the User-Agent; `strict` also reads
 * input by the RFC grammar alone (decision 0135).
 */
export const compatibilityProfiles = ["auto", "entra", "okta", "strict"] as const;
export type CompatibilityProfile = (typeof compatibilityProfiles)[number];

/** What a user PATCH answers: `200` with the resource, or `204` with no body. */
export const userPatchResponses = ["200", "204"] as const;
export type UserPatchResponse = (typeof userPatchResponses)[number];

/** The per-connection rate limit operators may set, in requests per second. */
export const requestsPerSecondRange = { min: 25, max: 100_000, default: 200 } as const;

/** The settings a connection starts with; the operator may change each one later. */
export interface PresetSettings {
	compatibility: CompatibilityProfile;
	userPatchResponse: UserPatchResponse;
	requestsPerSecond: number;
}

/** One SCIM attribute the IdP sends by default, and where in the IdP it comes from. */
export interface AttributeMapping {
	scim: string;
	source: string;
}

/** Everything the console shows to set up one IdP: facts from the IdP notes behind `e2e/` mock tenants. */
export interface IdpPreset {
	kind: IdpKind;
	label: string;
	/** Its setup guide in `docs/idp/` (SCIM, attributes, sign-in, checks, errors); none for generic clients. */
	guide: IdpGuide | null;
	/** Which of the two SCIM base URLs to paste into the IdP. */
	baseUrl: "root" | "organization";
	settings: PresetSettings;
	steps: readonly string[];
	attributeMappings: readonly AttributeMapping[];
	/** What the IdP's own "test" button sends, so an operator can recognise it in the provisioning log. */
	testRequest: string;
	notes: readonly string[];
}

const standardSettings: PresetSettings = {
	compatibility: "auto",
	userPatchResponse: "200",
	requestsPerSecond: requestsPerSecondRange.default,
};

const coreMappings: readonly AttributeMapping[] = [
	{ scim: "userName", source: "the user's sign-in name (matching attribute)" },
	{ scim: "active", source: "the user's enabled/assigned status" },
	{ scim: "name.givenName / name.familyName", source: "first name / last name" },
	{ scim: 'emails[type eq "work"].value', source: "primary email" },
	{ scim: "displayName", source: "display name" },
	{ scim: "externalId", source: "the IdP's own user id" },
	{ scim: "Group displayName / members", source: "pushed group name and members" },
];

/**
 * The preset table, one row per IdP. Entra and Okta rows are what the shared IdP notes (entra.md, okta.md)
 * document; PingFederate, OneLogin and generic clients follow RFC 7643/7644 with the standard profile.
 */
export const idpPresets: Readonly<Record<IdpKind, IdpPreset>> = {
	entra: {
		kind: "entra",
		label: "Microsoft Entra ID",
		guide: "entra",
		baseUrl: "root",
		settings: {
			compatibility: "entra",
			userPatchResponse: "200",
			requestsPerSecond: requestsPerSecondRange.default,
		},
		steps: [
			"In the Entra admin center open Enterprise applications → New application → Create your own application (non-gallery).",
			"Open Provisioning, set Provisioning Mode to Automatic.",
			"Paste the SCIM base URL as Tenant URL (append ?aadOptscim062020 for the RFC-compliant PATCH behaviour) and the token as Secret Token.",
			"Click Test Connection: Entra looks up a random userName and expects an empty list.",
			"Review the attribute mappings, assign users and groups, then turn Provisioning Status On.",
			"Entra runs an initial cycle, then incremental cycles about every 40 minutes.",
		],
		attributeMappings: [
			{ scim: "userName (matching)", source: "userPrincipalName" },
			{ scim: "active", source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
			{ scim: "displayName, title", source: "displayName, jobTitle" },
			{ scim: "name.givenName, name.familyName", source: "givenName, surname" },
			{ scim: 'emails[type eq "work"].value', source: "mail" },
			{ scim: "externalId", source: "mailNickname" },
			{ scim: "enterprise:employeeNumber, department, manager", source: "employeeId, department, manager" },
			{ scim: "Group displayName (matching), externalId, members", source: "displayName, objectId, members" },
		],
		testRequest: 'GET /Users?filter=userName eq "<random GUID>"',
		notes: [
			"Entra accepts 200 or 204 for PATCH; Roster answers users with 200 and the full resource.",
			"Gallery apps must handle 25 requests per second per tenant; Entra retries 429 automatically.",
			"Roles need an app-role expression (AssertiveAppRoleAssignmentsComplex is recommended).",
		],
	},
	okta: {
		kind: "okta",
		label: "Okta",
		guide: "okta",
		baseUrl: "root",
		settings: {
			compatibility: "okta",
			userPatchResponse: "200",
			requestsPerSecond: requestsPerSecondRange.default,
		},
		steps: [
			"In Okta create an app with the App Integration Wizard (or add the catalog app), then enable SCIM provisioning under General.",
			"Provisioning → Integration: paste the SCIM base URL as SCIM connector base URL and set the unique identifier field to userName.",
			"Choose the supported actions: Push New Users, Push Profile Updates, Push Groups.",
			"Authentication Mode: HTTP Header, and paste the token as the Bearer token.",
			"Click Test Connector Configuration: Okta reads /Users?startIndex=1&count=2.",
			"Provisioning → To App: enable Create Users, Update User Attributes and Deactivate Users; assign people and push groups.",
		],
		attributeMappings: [
			{ scim: "userName", source: "Okta username or email (Sign On settings)" },
			{ scim: "name.givenName, name.familyName", source: "user.firstName, user.lastName" },
			{ scim: 'emails (primary, type "work")', source: "user.email" },
			{ scim: "displayName, title, locale", source: "user.displayName, user.title, user.locale" },
			{ scim: "enterprise:employeeNumber, department", source: "user.employeeNumber, user.department" },
			{ scim: "enterprise:manager.value, manager.displayName", source: "user.managerId, user.manager" },
			{ scim: "active, externalId", source: "assignment status, the Okta user id" },
		],
		testRequest: "GET /Users?startIndex=1&count=2",
		notes: [
			"Okta never calls /ServiceProviderConfig, /Schemas, /Bulk or .search.",
			"Okta honours an integer Retry-After on 429 and doubles its wait, up to 10 attempts.",
			"Roles and entitlements need app-profile string-array attributes in the core User namespace.",
		],
	},
	ping: {
		kind: "ping",
		label: "PingFederate",
		guide: "pingfederate",
		baseUrl: "root",
		settings: standardSettings,
		steps: [
			"In PingFederate create an SP connection with outbound provisioning and choose the SCIM connector.",
			"Paste the SCIM base URL and choose OAuth 2 Bearer Token authentication with the token.",
			"Map the source attributes to the SCIM attributes below and select the users and groups to provision.",
			"Activate the channel and watch the first requests in Roster's provisioning log.",
		],
		attributeMappings: coreMappings,
		testRequest: 'GET /Users?filter=userName eq "…" before each create',
		notes: ["Standard SCIM 2.0 client: the auto profile answers by the RFC."],
	},
	onelogin: {
		kind: "onelogin",
		label: "OneLogin",
		guide: "onelogin",
		baseUrl: "root",
		settings: standardSettings,
		steps: [
			"In OneLogin add the SCIM Provisioner with SAML (SCIM v2 Enterprise) application.",
			"Configuration: paste the SCIM base URL as SCIM Base URL and the token as SCIM Bearer Token, then Enable the API connection.",
			"Provisioning: enable provisioning and choose what happens when a user is deleted or suspended.",
			"Parameters and Rules: map attributes and groups, then assign users to the app.",
		],
		attributeMappings: coreMappings,
		testRequest: 'GET /Users?filter=userName eq "…" when the API connection is enabled',
		notes: ["Standard SCIM 2.0 client: the auto profile answers by the RFC."],
	},
	generic: {
		kind: "generic",
		label: "Generic SCIM 2.0 client",
		guide: null,
		baseUrl: "root",
		settings: standardSettings,
		steps: [
			"Configure the client with the SCIM base URL and send the token as Authorization: Bearer <token>.",
			'Look users up with filter=userName eq "…" before creating them; userName is case-insensitive.',
			"Use PATCH or PUT for updates and PATCH active=false to deprovision.",
		],
		attributeMappings: coreMappings,
		testRequest: "GET /ServiceProviderConfig",
		notes: [
			"Roster serves /ServiceProviderConfig, /ResourceTypes, /Schemas, /Bulk and .search.",
			"Choose the strict profile to have input read by the RFC grammar alone.",
		],
	},
};

/** The two SCIM base URLs of an organization: the token picks the organization, or the slug does. */
export function scimBaseUrls(
	origin: string,
	organizationSlug: string,
): { root: string; organization: string } {
	const base = origin.replace(/\/+$/, "");
	return {
		root: `${base}/scim/v2`,
		organization: `${base}/organizations/${encodeURIComponent(organizationSlug)}/scim/v2`,
	};
}
