import { attribute, complex } from "./define.ts";
import type { SchemaDef } from "./types.ts";

export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** RFC 7643 §4.3 Enterprise User extension: the attributes Entra and Okta map department and manager to. */
export const enterpriseUserSchema: SchemaDef = {
	id: ENTERPRISE_USER_SCHEMA,
	name: "EnterpriseUser",
	description: "Enterprise User",
	attributes: [
		attribute("employeeNumber", "string", "Numeric or alphanumeric identifier assigned to a person."),
		attribute("costCenter", "string", "Identifies the name of a cost center."),
		attribute("organization", "string", "Identifies the name of an organization."),
		attribute("division", "string", "Identifies the name of a division."),
		attribute("department", "string", "Identifies the name of a department."),
		complex("manager", "The User's manager.", [
			attribute("value", "string", "The id of the SCIM resource representing the User's manager."),
			attribute("$ref", "reference", "The URI of the SCIM resource representing the User's manager.", {
				referenceTypes: ["User"],
			}),
			attribute("displayName", "string", "The displayName of the User's manager.", {
				mutability: "readOnly",
			}),
		]),
	],
};
