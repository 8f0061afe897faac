import { randomBytes } from "node:crypto";
import { checkActiveBoolean, checkManagerShape, IdpCheckFailure } from "./checks.ts";
import type { Directory, DirectoryUser } from "./directory.ts";
import type { Exchange, JsonObject } from "./http.ts";
import { ENTERPRISE, USER_SCHEMA } from "./urns.ts";

/** Okta's profile mapping (okta.md §5), as a comparable fingerprint and as SCIM attributes. */
export function profileOf(user: DirectoryUser, directory: Directory): JsonObject {
	const manager = user.managerId ? directory.users.get(user.managerId) : undefined;
	const enterprise: JsonObject = {};
	if (user.employeeId !== undefined) enterprise.employeeNumber = user.employeeId;
	if (user.department !== undefined) enterprise.department = user.department;
	if (manager) enterprise.manager = { value: manager.id, displayName: manager.displayName };
	return {
		userName: user.userPrincipalName,
		name: { givenName: user.givenName, familyName: user.surname },
		email: user.mail,
		displayName: user.displayName,
		...(user.jobTitle !== undefined ? { title: user.jobTitle } : {}),
		...(user.locale !== undefined ? { locale: user.locale } : {}),
		...(user.roles.length > 0 ? { roles: [...user.roles] } : {}),
		...(user.entitlements.length > 0 ? { entitlements: [...user.entitlements] } : {}),
		...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
	};
}

/** The POST of a new assignment: the mapped profile, a work email, no groups and a random password placeholder. */
export function createBody(user: DirectoryUser, profile: JsonObject): JsonObject {
	const { email, ...attributes } = profile;
	return {
		schemas: ENTERPRISE in profile ? [USER_SCHEMA, ENTERPRISE] : [USER_SCHEMA],
		...attributes,
		emails: [{ primary: true, value: email, type: "work" }],
		externalId: user.id,
		groups: [],
		password: randomBytes(6).toString("base64url"),
		active: true,
	};
}

/** A full PUT built from Roster's last GET answer plus Okta's mapped values. */
export function putBody(last: JsonObject, profile: JsonObject, active: boolean): JsonObject {
	const { email, name, [ENTERPRISE]: enterprise, ...attributes } = profile;
	const emails = Array.isArray(last.emails) ? (last.emails as JsonObject[]).map((item) => ({ ...item })) : [];
	const primary = emails.find((item) => item.primary === true) ?? emails[0];
	if (primary) primary.value = email;
	else emails.push({ primary: true, value: email, type: "work" });
	const schemas = Array.isArray(last.schemas) ? [...(last.schemas as string[])] : [USER_SCHEMA];
	if (enterprise && !schemas.includes(ENTERPRISE)) schemas.push(ENTERPRISE);
	return {
		...last,
		...attributes,
		schemas,
		name: { ...(last.name as JsonObject | undefined), ...(name as JsonObject) },
		emails,
		active,
		...(enterprise
			? { [ENTERPRISE]: { ...(last[ENTERPRISE] as JsonObject | undefined), ...(enterprise as JsonObject) } }
			: {}),
	};
}

/** What Okta refuses in a user Roster returns: a non-object manager, a non-boolean active, non-string roles or entitlements, a password. */
export function checkOktaUser(resource: JsonObject, exchange: Exchange): void {
	checkManagerShape(resource, "Invalid value data type", exchange);
	checkActiveBoolean(resource, "Invalid value data type", exchange);
	for (const key of ["roles", "entitlements"]) {
		const values = resource[key];
		if (values === undefined) continue;
		if (!Array.isArray(values) || values.some((value) => typeof value !== "string")) {
			throw new IdpCheckFailure("Invalid value data type", `${key} must be an array of strings`, exchange);
		}
	}
	if ("password" in resource)
		throw new IdpCheckFailure("Password returned", "password must never come back", exchange);
}
