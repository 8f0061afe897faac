const USER_SCHEMAS = [
	"urn:ietf:params:scim:schemas:core:2.0:User",
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
];
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A `POST /Users` body shaped like Entra ID's documented create (the heaviest common IdP body). */
export function entraUser(userName: string, index: number): Record<string, unknown> {
	return {
		schemas: USER_SCHEMAS,
		externalId: `ext-${userName}`,
		userName,
		active: true,
		displayName: `Bench User ${index}`,
		emails: [{ primary: true, type: "work", value: userName }],
		meta: { resourceType: "User" },
		name: { formatted: `Bench User ${index}`, familyName: `User ${index}`, givenName: "Bench" },
		roles: [],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
			employeeNumber: String(index),
			department: "Benchmarks",
		},
	};
}

/** `POST /Groups` as Entra sends it: no members, they follow in PATCHes. */
export function entraGroup(displayName: string): Record<string, unknown> {
	return {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
		externalId: `ext-${displayName}`,
		displayName,
		meta: { resourceType: "Group" },
	};
}

/** Entra's `Add members` PATCH. */
export function addMembers(userIds: readonly string[]): Record<string, unknown> {
	return {
		schemas: [PATCH_SCHEMA],
		Operations: [{ op: "Add", path: "members", value: userIds.map((value) => ({ $ref: null, value })) }],
	};
}

/** Entra's filtered-path removal of one member (`remove members[value eq "…"]`). */
export function removeMember(userId: string): Record<string, unknown> {
	return { schemas: [PATCH_SCHEMA], Operations: [{ op: "remove", path: `members[value eq "${userId}"]` }] };
}

/** A query string for `filter=<attribute> eq "<value>"`, encoded as an IdP sends it. */
export function eqFilter(attribute: string, value: string): string {
	return `filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;
}
