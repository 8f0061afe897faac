import { isDataException } from "@roster/db";
import { ScimError } from "@roster/scim";

/**
 * Turns database refusals caused by the client's data into SCIM errors: data exceptions (class 22, e.g.
 * a value PostgreSQL cannot store) become 400 invalidValue instead of a 500. Anything else is rethrown.
 */
export function rethrowAsScimError(error: unknown): never {
	if (isDataException(error)) {
		throw new ScimError(400, "invalidValue", "A value cannot be stored (invalid characters or format).");
	}
	throw error;
}
