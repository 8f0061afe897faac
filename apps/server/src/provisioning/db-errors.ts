import { ScimError } from "@roster/scim";

interface PgErrorShape {
	code?: unknown;
	constraint?: unknown;
	constraint_name?: unknown;
	cause?: unknown;
}

function pgError(error: unknown): PgErrorShape | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current instanceof Object; depth++) {
		const candidate = current as PgErrorShape;
		if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
		current = candidate.cause;
	}
	return undefined;
}

/** The constraint a unique violation hit (both drivers, possibly wrapped by Drizzle), else undefined. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
	const found = pgError(error);
	if (found?.code !== "23505") return undefined;
	const name = found.constraint_name ?? found.constraint;
	return typeof name === "string" ? name : "unknown";
}

/**
 * Turns database refusals caused by the client's data into SCIM errors: data exceptions (class 22, e.g.
 * a value PostgreSQL cannot store) become 400 invalidValue instead of a 500. Anything else is rethrown.
 */
export function rethrowAsScimError(error: unknown): never {
	const found = pgError(error);
	if (typeof found?.code === "string" && found.code.startsWith("22")) {
		throw new ScimError(400, "invalidValue", "A value cannot be stored (invalid characters or format).");
	}
	throw error;
}
