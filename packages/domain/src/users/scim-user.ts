import { ENTERPRISE_USER_SCHEMA, roleAttributes, USER_SCHEMA } from "@roster/scim";
import { type RoleShape, readRoleValues, writeRoleValues } from "./role-values.ts";

type Json = Record<string, unknown>;

/** The user columns Roster decides and filters on; the rest of the SCIM resource travels in `attributes`. */
export interface UserFields {
	userName: string;
	email: string | null;
	displayName: string | null;
	givenName: string | null;
	familyName: string | null;
	externalId: string | null;
	attributes: Json;
}

/** A stored user, as far as SCIM output needs it. */
export interface StoredUser extends Omit<UserFields, "userName"> {
	id: string;
	userName: string;
	isActive: boolean;
	version: number;
	createdAt: Date;
	updatedAt: Date;
}

function str(value: unknown): string | null {
	return typeof value === "string" ? value : null;
}

/** The host platform's single e-mail: the primary one, else the work one, else the first. */
export function pickEmail(emails: unknown): string | null {
	if (!Array.isArray(emails)) return null;
	const list = emails.filter(
		(e): e is Json => typeof e === "object" && e !== null && typeof e.value === "string",
	);
	const chosen = list.find((e) => e.primary === true) ?? list.find((e) => e.type === "work") ?? list[0];
	return chosen ? (chosen.value as string) : null;
}

/**
 * Splits a canonical SCIM User (as `normalizeResource` returns it) into columns and the jsonb remainder.
 * `id`, `meta`, `schemas` and `active` are not part of the fields: the caller owns them.
 */
export function userFieldsFromScim(resource: Json): UserFields {
	const {
		id: _id,
		meta: _meta,
		schemas: _schemas,
		active: _active,
		userName,
		externalId,
		displayName,
		...rest
	} = resource;
	const attributes: Json = { ...rest };
	let givenName: string | null = null;
	let familyName: string | null = null;
	if (typeof rest.name === "object" && rest.name !== null) {
		const { givenName: g, familyName: f, ...otherNames } = rest.name as Json;
		givenName = str(g);
		familyName = str(f);
		if (Object.keys(otherNames).length > 0) attributes.name = otherNames;
		else delete attributes.name;
	}
	for (const key of roleAttributes) {
		if (key in attributes) attributes[key] = readRoleValues(attributes[key]);
	}
	return {
		userName: String(userName ?? ""),
		email: pickEmail(rest.emails),
		displayName: str(displayName),
		givenName,
		familyName,
		externalId: str(externalId),
		attributes,
	};
}

export interface UserOutputOptions {
	/** Absolute URL of the user, for `meta.location`. */
	location: string;
	roleShape: RoleShape;
}

/** The weak ETag of a resource version (RFC 7644 §3.14). */
export function etagOf(version: number): string {
	return `W/"${version}"`;
}

/** Rebuilds the full SCIM User from its columns and stored attributes. */
export function userToScim(user: StoredUser, options: UserOutputOptions): Json {
	const { name: storedName, ...attributes } = user.attributes;
	const name: Json = {
		...(typeof storedName === "object" && storedName !== null ? (storedName as Json) : {}),
	};
	if (user.givenName !== null) name.givenName = user.givenName;
	if (user.familyName !== null) name.familyName = user.familyName;
	for (const key of roleAttributes) {
		if (key in attributes)
			attributes[key] = writeRoleValues(readRoleValues(attributes[key]), options.roleShape);
	}
	const schemas = [USER_SCHEMA];
	if (ENTERPRISE_USER_SCHEMA in attributes) schemas.push(ENTERPRISE_USER_SCHEMA);
	return {
		schemas,
		id: user.id,
		...(user.externalId !== null ? { externalId: user.externalId } : {}),
		userName: user.userName,
		...(Object.keys(name).length > 0 ? { name } : {}),
		...(user.displayName !== null ? { displayName: user.displayName } : {}),
		active: user.isActive,
		...attributes,
		meta: {
			resourceType: "User",
			created: user.createdAt.toISOString(),
			lastModified: user.updatedAt.toISOString(),
			location: options.location,
			version: etagOf(user.version),
		},
	};
}
