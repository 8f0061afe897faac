import { attribute, complex } from "./define.ts";
import type { AttributeDef } from "./types.ts";

/**
 * RFC 7643 §3.1 common attributes. They belong to every resource but to no schema, so `/Schemas` does not list
 * them; attribute resolution still needs their metadata (id is caseExact, meta is readOnly).
 */
export const commonAttributes: AttributeDef[] = [
	attribute("id", "string", "A unique identifier for a SCIM resource as defined by the service provider.", {
		caseExact: true,
		mutability: "readOnly",
		returned: "always",
		uniqueness: "server",
	}),
	attribute("externalId", "string", "An identifier for the resource as defined by the provisioning client.", {
		caseExact: true,
	}),
	complex(
		"meta",
		"A complex attribute containing resource metadata.",
		[
			attribute("resourceType", "string", "The name of the resource type of the resource.", {
				caseExact: true,
				mutability: "readOnly",
			}),
			attribute("created", "dateTime", "The DateTime that the resource was added to the service provider.", {
				mutability: "readOnly",
			}),
			attribute(
				"lastModified",
				"dateTime",
				"The most recent DateTime that the details of this resource were updated.",
				{
					mutability: "readOnly",
				},
			),
			attribute("location", "reference", "The URI of the resource being returned.", {
				caseExact: true,
				mutability: "readOnly",
				referenceTypes: ["uri"],
			}),
			attribute("version", "string", "The version (ETag) of the resource being returned.", {
				caseExact: true,
				mutability: "readOnly",
			}),
		],
		{ mutability: "readOnly" },
	),
];
