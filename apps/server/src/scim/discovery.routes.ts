import {
	commonAttributes,
	INPUT_LIMITS,
	resourceTypes,
	type SchemaDef,
	ScimError,
	schemaDefs,
} from "@roster/scim";
import { Hono } from "hono";
import { SCIM_LIMITS } from "./limits.ts";
import { listResponse, scimResponse } from "./respond.ts";
import type { ScimEnv } from "./variables.ts";

const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/** Roster's extension of ServiceProviderConfig: the input bounds RFC 7643 §5 has no attribute for. */
export const LIMITS_SCHEMA = "urn:roster:params:scim:schemas:extension:limits:1.0:ServiceProviderConfig";

function serviceProviderConfig(base: string) {
	return {
		schemas: [SPC_SCHEMA, LIMITS_SCHEMA],
		documentationUri: "https://github.com/roster/roster#readme",
		patch: { supported: true },
		bulk: {
			supported: true,
			maxOperations: SCIM_LIMITS.bulkMaxOperations,
			maxPayloadSize: SCIM_LIMITS.bulkMaxPayloadSize,
		},
		filter: { supported: true, maxResults: SCIM_LIMITS.maxResults },
		changePassword: { supported: false },
		sort: { supported: true },
		etag: { supported: true },
		pagination: {
			cursor: true,
			index: true,
			defaultPaginationMethod: "index",
			defaultPageSize: SCIM_LIMITS.defaultCount,
			maxPageSize: SCIM_LIMITS.maxResults,
			cursorTimeout: 3600,
		},
		authenticationSchemes: [
			{
				type: "oauthbearertoken",
				name: "OAuth Bearer Token",
				description: "Authentication with a Roster SCIM token: Authorization: Bearer <token>.",
				primary: true,
			},
		],
		[LIMITS_SCHEMA]: { maxPayloadSize: SCIM_LIMITS.maxBodyBytes, ...INPUT_LIMITS },
		meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
	};
}

function resourceTypeResource(base: string, name: string) {
	const rt = resourceTypes.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
	if (!rt) return undefined;
	return {
		schemas: [RESOURCE_TYPE_SCHEMA],
		id: rt.name,
		name: rt.name,
		endpoint: rt.endpoint,
		description: rt.description,
		schema: rt.schema,
		schemaExtensions: rt.schemaExtensions,
		meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/${rt.name}` },
	};
}

function schemaResource(base: string, schema: SchemaDef) {
	const isCore = resourceTypes.some((rt) => rt.schema === schema.id);
	return {
		schemas: [SCHEMA_SCHEMA],
		id: schema.id,
		name: schema.name,
		description: schema.description,
		attributes: isCore ? [...commonAttributes, ...schema.attributes] : schema.attributes,
		meta: { resourceType: "Schema", location: `${base}/Schemas/${schema.id}` },
	};
}

/** RFC 7644 §4: what Roster supports, told truthfully from the same limits the routes enforce. */
export function discoveryRoutes(): Hono<ScimEnv> {
	const routes = new Hono<ScimEnv>();
	routes.get("/ServiceProviderConfig", (c) => scimResponse(c, 200, serviceProviderConfig(c.get("scimBase"))));
	routes.get("/ResourceTypes", (c) => {
		const all = resourceTypes.map((rt) => resourceTypeResource(c.get("scimBase"), rt.name));
		return scimResponse(c, 200, listResponse(all, all.length, 1));
	});
	routes.get("/ResourceTypes/:name", (c) => {
		const found = resourceTypeResource(c.get("scimBase"), c.req.param("name"));
		if (!found) throw new ScimError(404, undefined, `Unknown resource type "${c.req.param("name")}".`);
		return scimResponse(c, 200, found);
	});
	routes.get("/Schemas", (c) => {
		const all = schemaDefs.map((schema) => schemaResource(c.get("scimBase"), schema));
		return scimResponse(c, 200, listResponse(all, all.length, 1));
	});
	routes.get("/Schemas/:id", (c) => {
		const id = c.req.param("id").toLowerCase();
		const schema = schemaDefs.find((candidate) => candidate.id.toLowerCase() === id);
		if (!schema) throw new ScimError(404, undefined, `Unknown schema "${c.req.param("id")}".`);
		return scimResponse(c, 200, schemaResource(c.get("scimBase"), schema));
	});
	return routes;
}
