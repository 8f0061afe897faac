/** Why an operation refused: the CLI prints the message, HTTP and tRPC map the code to a status. */
export type OperationErrorCode = "invalid" | "not_found" | "conflict";

/** An expected, operator-facing failure with a one-line message (never a database error text). */
export class OperationError extends Error {
	override name = "OperationError";
	readonly code: OperationErrorCode;

	constructor(code: OperationErrorCode, message: string) {
		super(message);
		this.code = code;
	}
}

/** True when PostgreSQL (either driver, possibly wrapped by Drizzle) reports a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current instanceof Object; depth++) {
		if ((current as { code?: unknown }).code === "23505") return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}
