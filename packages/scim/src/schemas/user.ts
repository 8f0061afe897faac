import { attribute, complex, multiValuedQuartet } from "./define.ts";
import type { SchemaDef } from "./types.ts";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

/** RFC 7643 §4.1 / §8.7.1 core User schema, published as-is under `/Schemas`. */
export const userSchema: SchemaDef = {
	id: USER_SCHEMA,
	name: "User",
	description: "User Account",
	attributes: [
		attribute("userName", "string", "Unique identifier for the User, typically used to authenticate.", {
			required: true,
			uniqueness: "server",
		}),
		complex("name", "The components of the user's real name.", [
			attribute("formatted", "string", "The full name, formatted for display."),
			attribute("familyName", "string", "The family name of the User, or last name."),
			attribute("givenName", "string", "The given name of the User, or first name."),
			attribute("middleName", "string", "The middle name(s) of the User."),
			attribute("honorificPrefix", "string", "The honorific prefix(es) of the User, or title."),
			attribute("honorificSuffix", "string", "The honorific suffix(es) of the User, or suffix."),
		]),
		attribute("displayName", "string", "The name of the User, suitable for display to end-users."),
		attribute("nickName", "string", "The casual way to address the user in real life."),
		attribute("profileUrl", "reference", "A fully qualified URL pointing to a page representing the User.", {
			referenceTypes: ["external"],
		}),
		attribute("title", "string", 'The user\'s title, such as "Vice President".'),
		attribute("userType", "string", "Identifies the relationship between the organization and the user."),
		attribute("preferredLanguage", "string", "The User's preferred written or spoken language."),
		attribute("locale", "string", "The User's default location for localizing currency, dates and numbers."),
		attribute("timezone", "string", "The User's time zone in the 'Olson' time zone database format."),
		attribute("active", "boolean", "The User's administrative status."),
		attribute("password", "string", "The User's cleartext password, used to set or compare a password.", {
			mutability: "writeOnly",
			returned: "never",
		}),
		multiValuedQuartet("emails", "Email addresses for the user.", {
			canonicalTypes: ["work", "home", "other"],
		}),
		multiValuedQuartet("phoneNumbers", "Phone numbers for the User.", {
			canonicalTypes: ["work", "home", "mobile", "fax", "pager", "other"],
		}),
		multiValuedQuartet("ims", "Instant messaging addresses for the User.", {
			canonicalTypes: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
		}),
		multiValuedQuartet("photos", "URLs of photos of the User.", {
			valueType: "reference",
			referenceTypes: ["external"],
			canonicalTypes: ["photo", "thumbnail"],
		}),
		complex(
			"addresses",
			"A physical mailing address for this User.",
			[
				attribute("formatted", "string", "The full mailing address, formatted for display."),
				attribute("streetAddress", "string", "The full street address component."),
				attribute("locality", "string", "The city or locality component."),
				attribute("region", "string", "The state or region component."),
				attribute("postalCode", "string", "The zip code or postal code component."),
				attribute("country", "string", "The country name component."),
				attribute("type", "string", "A label indicating the address's function.", {
					canonicalValues: ["work", "home", "other"],
				}),
				attribute("primary", "boolean", "Indicates the primary or preferred address; true at most once."),
			],
			{ multiValued: true },
		),
		complex(
			"groups",
			"A list of groups to which the user belongs, either direct or indirect.",
			[
				attribute("value", "string", "The identifier of the User's group.", { mutability: "readOnly" }),
				attribute("$ref", "reference", "The URI of the corresponding 'Group' resource.", {
					mutability: "readOnly",
					referenceTypes: ["User", "Group"],
				}),
				attribute("display", "string", "A human-readable name of the group.", { mutability: "readOnly" }),
				attribute("type", "string", "How the membership was derived.", {
					mutability: "readOnly",
					canonicalValues: ["direct", "indirect"],
				}),
			],
			{ multiValued: true, mutability: "readOnly" },
		),
		multiValuedQuartet("entitlements", "A list of entitlements for the User."),
		multiValuedQuartet("roles", "A list of roles for the User."),
		multiValuedQuartet("x509Certificates", "A list of certificates issued to the User.", {
			valueType: "binary",
			valueCaseExact: true,
		}),
	],
};
