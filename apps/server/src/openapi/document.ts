import type { ComponentsObject, OpenAPIObject } from "openapi3-ts/oas31";
import { version } from "../version.ts";
import { apiComponents, apiPaths } from "./api-paths.ts";
import { scimComponents, scimPaths } from "./scim-paths.ts";

/** Where the description and its rendered reference are served (README, docs/api-v1.md). */
export const OPENAPI_PATHS = { document: "/openapi.json", reference: "/api/docs" } as const;

function mergeComponents(parts: ComponentsObject[]): ComponentsObject {
	const merged: Record<string, Record<string, unknown>> = {};
	for (const part of parts) {
		for (const [kind, entries] of Object.entries(part)) {
			merged[kind] = { ...merged[kind], ...(entries as Record<string, unknown>) };
		}
	}
	return merged as ComponentsObject;
}

/**
 * The OpenAPI 3.1 description of `/scim/v2` (and `/organizations/{slug}/scim/v2`) and `/api/v1`. Each
 * path item carries its own `servers`, so one path table serves both APIs. SCIM is left out when the
 * operator switched it off, since its routes then answer 404.
 */
export function openApiDocument(options: { scimEnabled: boolean }): OpenAPIObject {
	const scim = options.scimEnabled;
	return {
		openapi: "3.1.1",
		info: {
			title: "Roster",
			version,
			description:
				"SCIM 2.0 (RFC 7643, RFC 7644, RFC 9865 cursors) for identity providers, and `/api/v1` for host applications to read Roster's access decisions. SCIM attribute names are case-insensitive and Roster accepts the IdPs' documented quirks, so request schemas are open.",
		},
		tags: [
			...(scim
				? [
						{ name: "SCIM Users", description: "RFC 7644 §3 on /Users." },
						{ name: "SCIM Groups", description: "RFC 7644 §3 on /Groups; members are changed row by row." },
						{ name: "SCIM search and Bulk", description: "RFC 7644 §3.4.3 and §3.7." },
						{ name: "SCIM discovery", description: "RFC 7644 §4; authenticated like every SCIM route." },
					]
				: []),
			{ name: "Access API", description: "docs/api-v1.md: authorization decisions, never cached." },
		],
		paths: { ...(scim ? scimPaths() : {}), ...apiPaths() },
		components: mergeComponents(scim ? [scimComponents(), apiComponents()] : [apiComponents()]),
	};
}
