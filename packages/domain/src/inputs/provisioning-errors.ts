/**
 * What a failed SCIM answer means and what usually fixes it, in plain language, for the provisioning log.
 * One pure table keyed by HTTP status and, for 400 and 409, the SCIM `scimType` (RFC 7644 §3.12), so the
 * server's detail view and the console show the same words. Facts about IdP behaviour come from the IdP
 * notes (Entra ID retries in later cycles and quarantines; Okta stops the task until an admin retries).
 */
export interface ProvisioningErrorExplanation {
	/** A short name for the error kind, e.g. "Duplicate user". */
	title: string;
	/** What happened, for an IT administrator who does not read RFCs. */
	meaning: string;
	/** The likely fix, naming where to look. */
	fix: string;
}

type ErrorKey = `${number}` | `${number}:${string}`;

const EXPLANATIONS: Record<ErrorKey, ProvisioningErrorExplanation> = {
	"400": {
		title: "Bad request",
		meaning: "Roster could not use the request as sent; the response's detail says which part.",
		fix: "Read the detail in the response body, then correct the attribute mapping or expression in the IdP that produced it.",
	},
	"400:invalidFilter": {
		title: "Filter not understood",
		meaning:
			"The filter in the request is not valid SCIM filter syntax, or compares an attribute Roster does not filter on.",
		fix: 'Check the matching attribute in the IdP (usually userName or externalId for users, displayName for groups); IdPs send `attr eq "value"` filters.',
	},
	"400:invalidSyntax": {
		title: "Malformed body",
		meaning:
			"The request body is not valid JSON or not a valid SCIM message (for example a PATCH without Operations).",
		fix: "This is usually an IdP-side expression producing broken JSON; check custom attribute expressions and the PATCH format setting of the connection.",
	},
	"400:invalidValue": {
		title: "Invalid or missing value",
		meaning:
			"A required attribute is missing, or a value has the wrong type or format (for example a non-boolean `active`).",
		fix: "Map the missing attribute in the IdP (userName is required) and check that each mapped value has the type the SCIM schema expects.",
	},
	"400:invalidPath": {
		title: "PATCH path not understood",
		meaning: "A PATCH operation's path names an attribute or filter Roster does not know.",
		fix: "Check custom attribute names in the IdP's mapping against Roster's /Schemas; extension attributes need their full URN.",
	},
	"400:noTarget": {
		title: "PATCH target not found",
		meaning: 'A PATCH path with a filter (for example `members[value eq "…"]`) matched nothing to change.',
		fix: "Usually harmless drift: the IdP removes a member or value Roster no longer has. Re-run a full sync if it repeats.",
	},
	"400:mutability": {
		title: "Read-only attribute",
		meaning: "The request tried to change an attribute that cannot be changed, such as `id` or `meta`.",
		fix: "Remove the mapping to the read-only attribute in the IdP.",
	},
	"400:tooMany": {
		title: "Too many results",
		meaning: "The request would return or change more resources than Roster allows in one answer.",
		fix: "Narrow the filter, or lower the IdP's page size / Bulk size below the limits in /ServiceProviderConfig.",
	},
	"400:uniqueness": {
		title: "Duplicate value",
		meaning: "A value that must be unique (userName, externalId, group displayName) is already taken.",
		fix: "Find the existing resource with that value; remove the duplicate or fix the IdP's matching attribute.",
	},
	"400:invalidCursor": {
		title: "Paging cursor not valid",
		meaning: "The IdP sent a paging cursor Roster did not issue.",
		fix: "Restart the import in the IdP; if it repeats, switch the connection to index-based paging.",
	},
	"400:expiredCursor": {
		title: "Paging cursor expired",
		meaning: "The IdP took too long between pages and its paging cursor expired.",
		fix: "Retry the import; it restarts paging from the first page.",
	},
	"401": {
		title: "Not authenticated",
		meaning:
			"The bearer token is missing, wrong, expired or revoked. Entra ID quarantines the job if this persists.",
		fix: "Create or rotate the connection's token in Roster and paste it into the IdP's provisioning settings (Secret Token / API token).",
	},
	"403": {
		title: "Not allowed",
		meaning:
			"Roster never answers 403 itself: a proxy, firewall or WAF in front of it refused the request before it arrived.",
		fix: "Check the reverse proxy or WAF rules for the SCIM path (allow PATCH, PUT and DELETE, and the IdP's source addresses).",
	},
	"404": {
		title: "Not found",
		meaning:
			"The user or group id the IdP has cached does not exist in Roster (deleted, or owned by another connection), or SCIM is turned off for the organization, or the base URL names another organization. Entra ID then treats the object as gone; Okta fails the task.",
		fix: "Check that SCIM is on in Organization settings and the IdP's base URL uses this organization's slug; then restart provisioning in the IdP (Entra: restart the job; Okta: unassign and reassign the user) so it looks the object up again.",
	},
	"409": {
		title: "Conflict",
		meaning: "The resource already exists or was changed concurrently.",
		fix: "Let the IdP match the existing resource (check its matching attribute), then retry.",
	},
	"409:uniqueness": {
		title: "Duplicate user or group",
		meaning:
			"A create sent a userName, externalId or group name that already exists. Entra ID retries in later cycles; Okta stops the task until an admin retries.",
		fix: "Make the IdP's matching attribute (Entra: userPrincipalName → userName; Okta: username) find the existing user: check case, domain and the attribute mapped. Or delete the stale user in Roster.",
	},
	"409:invalidValue": {
		title: "Bulk reference not resolvable",
		meaning:
			"A Bulk request refers to a bulkId that no operation defines, or bulkIds refer to each other in a circle.",
		fix: "This comes from the IdP's Bulk batching; retry, or turn Bulk off for the connection.",
	},
	"412": {
		title: "Changed since read",
		meaning: "The request carried an If-Match ETag, and the resource has changed since the IdP read it.",
		fix: "Nothing to do by hand: the IdP should read the resource again and retry. If it loops, turn off ETag use in the IdP.",
	},
	"413": {
		title: "Request too large",
		meaning: "The body or the Bulk request exceeds Roster's size or operation limits.",
		fix: "Lower the IdP's batch size to within maxPayloadSize / maxOperations from /ServiceProviderConfig.",
	},
	"415": {
		title: "Wrong content type",
		meaning: "The request body was not sent as application/scim+json or application/json.",
		fix: "Set the IdP (or the proxy in front of Roster) to send Content-Type application/scim+json.",
	},
	"429": {
		title: "Rate limited",
		meaning:
			"The connection sent more requests than its rate limit allows. Roster answered with Retry-After; Okta and Entra ID retry automatically.",
		fix: "Usually nothing: the IdP slows down. If it is constant, raise the connection's rate limit or spread large imports.",
	},
	"500": {
		title: "Roster error",
		meaning: "Roster failed unexpectedly; the IdP will retry (Entra ID in about 40 minutes).",
		fix: "Look up the request id in Roster's server log and report it; the request is safe to retry.",
	},
	"503": {
		title: "Temporarily unavailable",
		meaning:
			"Roster or its database was briefly unavailable (start-up, maintenance, overload). The IdP retries.",
		fix: "Check /readyz and the database; nothing to change in the IdP.",
	},
};

/**
 * The explanation of a SCIM answer: the row for `status` + `scimType` when there is one, else the row
 * for the status alone, else a generic line by status class; undefined for successes (below 400).
 */
export function explainProvisioningError(
	status: number,
	scimType: string | null | undefined,
): ProvisioningErrorExplanation | undefined {
	if (status < 400) return undefined;
	const specific = scimType ? EXPLANATIONS[`${status}:${scimType}`] : undefined;
	if (specific) return specific;
	const byStatus = EXPLANATIONS[`${status}`];
	if (byStatus) return byStatus;
	return status >= 500
		? {
				title: `Server error ${status}`,
				meaning: "Roster could not complete the request; the IdP will retry.",
				fix: "Check Roster's server log for the request id.",
			}
		: {
				title: `Refused with ${status}`,
				meaning: "Roster refused the request; the response's detail says why.",
				fix: "Read the detail in the response body and correct the IdP's configuration accordingly.",
			};
}
