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
