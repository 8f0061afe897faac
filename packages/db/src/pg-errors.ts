/** What both drivers (postgres-js and PGlite) put on a PostgreSQL error, possibly under Drizzle's wrapper. */
interface PgErrorShape {
	code?: unknown;
	constraint?: unknown;
	constraint_name?: unknown;
	cause?: unknown;
}

/** The PostgreSQL error inside `error` (a SQLSTATE `code`), looking through up to four `cause` wrappers. */
export function pgError(error: unknown): { code: string; constraint: string | undefined } | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current instanceof Object; depth++) {
		const candidate = current as PgErrorShape;
		if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
			const name = candidate.constraint_name ?? candidate.constraint;
			return { code: candidate.code, constraint: typeof name === "string" ? name : undefined };
		}
		current = candidate.cause;
	}
	return undefined;
}

/** The constraint a unique violation (23505) hit, `"unknown"` when unnamed; undefined for any other error. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
	const found = pgError(error);
	if (found?.code !== "23505") return undefined;
	return found.constraint ?? "unknown";
}

/** True when PostgreSQL reports a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
	return violatedUniqueConstraint(error) !== undefined;
}

/** True for a data exception (SQLSTATE class 22): a value PostgreSQL cannot store, caused by the input. */
export function isDataException(error: unknown): boolean {
	return pgError(error)?.code.startsWith("22") ?? false;
}
