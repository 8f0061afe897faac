import { getPath } from "hono/utils/url";

/** Resource-type endpoints and service endpoints (RFC 7644 §3.2) in the spelling the routes register. */
const ENDPOINTS = new Map(
	["Users", "Groups", "Bulk", "ServiceProviderConfig", "ResourceTypes", "Schemas", ".search"].map((name) => [
		name.toLowerCase(),
		name,
	]),
);

/** A SCIM mount (`/scim/v2` or `/organizations/{slug}/scim/v2`) and what follows it. */
const SCIM_MOUNT = /^((?:\/organizations\/[^/]+)?\/scim\/v2)(\/.*)$/;

const canonical = (segment: string | undefined): string | undefined =>
	segment === undefined ? undefined : ENDPOINTS.get(segment.toLowerCase());

/**
 * The path a SCIM request is routed by: endpoint names in any case (`/users`, `/USERS/{id}`,
 * `/Users/.SEARCH`) take their canonical spelling and trailing slashes (`/Users/`, `/Groups/{id}/`) are
 * dropped, because clients send both and each has one meaning. Ids and every non-SCIM path stay as
 * written. Responses are built from canonical names, so `Location` and `meta.location` never echo the
 * client's spelling.
 */
export function scimRoutingPath(path: string): string {
	const match = SCIM_MOUNT.exec(path);
	if (!match) return path;
	const [, mount = "", rest = ""] = match;
	let end = rest.length;
	while (end > 1 && rest[end - 1] === "/") end--;
	const segments = rest.slice(1, end).split("/");
	const [first, second] = segments;
	const endpoint = canonical(first);
	if (endpoint) segments[0] = endpoint;
	if (endpoint && segments.length === 2 && canonical(second) === ".search") segments[1] = ".search";
	return `${mount}/${segments.join("/")}`;
}

/**
 * The endpoint a routing path (`scimRoutingPath`) names: `Users` for `/scim/v2/Users/{id}`, `.search`
 * for a root search; undefined for the mount itself and unknown paths. A bounded metrics label.
 */
export function scimEndpoint(routingPath: string): string | undefined {
	const rest = SCIM_MOUNT.exec(routingPath)?.[2];
	if (rest === undefined) return undefined;
	const end = rest.indexOf("/", 1);
	return canonical(rest.slice(1, end === -1 ? undefined : end));
}

/** Hono's own path extraction (decoding included), followed by `scimRoutingPath`; for `new Hono({ getPath })`. */
export function getScimRoutingPath(request: Request): string {
	return scimRoutingPath(getPath(request));
}
