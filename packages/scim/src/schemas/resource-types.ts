import { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema } from "./enterprise.ts";
import { GROUP_SCHEMA, groupSchema } from "./group.ts";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./types.ts";
import { USER_SCHEMA, userSchema } from "./user.ts";

/** The User resource type (RFC 7643 §6); the enterprise extension is optional so plain users stay valid. */
export const userResourceType: ResourceTypeDef = {
	name: "User",
	endpoint: "/Users",
	description: "User Account",
	schema: USER_SCHEMA,
	schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
};

export const groupResourceType: ResourceTypeDef = {
	name: "Group",
	endpoint: "/Groups",
	description: "Group",
	schema: GROUP_SCHEMA,
	schemaExtensions: [],
};

export const resourceTypes: ResourceTypeDef[] = [userResourceType, groupResourceType];

/** Every schema Roster serves, in the order `/Schemas` lists them. */
export const schemaDefs: SchemaDef[] = [userSchema, enterpriseUserSchema, groupSchema];

const schemasById = new Map(schemaDefs.map((schema) => [schema.id.toLowerCase(), schema]));

/** Looks a schema up by URN, case-insensitively as RFC 7643 §2.1 asks of schema URIs. */
export function findSchema(urn: string): SchemaDef | undefined {
	return schemasById.get(urn.toLowerCase());
}

/** Finds an attribute by name, case-insensitively (RFC 7643 §2.1). */
export function findAttribute(attributes: readonly AttributeDef[], name: string): AttributeDef | undefined {
	const wanted = name.toLowerCase();
	return attributes.find((candidate) => candidate.name.toLowerCase() === wanted);
}
