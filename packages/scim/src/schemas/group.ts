import { attribute, complex, multiValuedQuartet } from "./define.ts";
import type { SchemaDef } from "./types.ts";

export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/**
 * RFC 7643 §4.2 / §8.7.1 Group schema, with the `members.display` Entra sends and Roster returns, and the
 * `roles`/`entitlements` every member inherits (as IdPs configured after the Testkube guide send on groups).
 */
export const groupSchema: SchemaDef = {
	id: GROUP_SCHEMA,
	name: "Group",
	description: "Group",
	attributes: [
		attribute("displayName", "string", "A human-readable name for the Group.", { required: true }),
		complex(
			"members",
			"A list of members of the Group.",
			[
				attribute("value", "string", "Identifier of the member of this Group.", { mutability: "immutable" }),
				attribute(
					"$ref",
					"reference",
					"The URI corresponding to a SCIM resource that is a member of this Group.",
					{
						mutability: "immutable",
						referenceTypes: ["User", "Group"],
					},
				),
				attribute("display", "string", "A human-readable name of the member.", { mutability: "immutable" }),
				attribute("type", "string", "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
					mutability: "immutable",
					canonicalValues: ["User", "Group"],
				}),
			],
			{ multiValued: true },
		),
		multiValuedQuartet("roles", "Roles every member of the Group holds (role URNs)."),
		multiValuedQuartet("entitlements", "Entitlements every member of the Group holds (entitlement URNs)."),
	],
};
