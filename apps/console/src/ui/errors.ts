import { TRPCClientError } from "@trpc/client";

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), when it has one. */
export function errorCode(error: unknown): string | undefined {
	if (!(error instanceof TRPCClientError)) return undefined;
	const code = (error.data as { code?: unknown } | undefined)?.code;
	return typeof code === "string" ? code : undefined;
}

/** The one-line message to show for a failed call; the server never sends stack traces. */
export function errorMessage(error: unknown): string {
	if (error instanceof TRPCClientError) {
		if (errorCode(error) === undefined)
			return "The server could not be reached. Check your connection and retry.";
		return error.message;
	}
	return error instanceof Error ? error.message : "Something went wrong";
}

/** Per-field messages of an input refusal (`data.fieldErrors`), for inline form errors. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
	if (!(error instanceof TRPCClientError)) return {};
	const fieldErrors = (error.data as { fieldErrors?: unknown } | undefined)?.fieldErrors;
	return fieldErrors && typeof fieldErrors === "object" ? (fieldErrors as Record<string, string[]>) : {};
}
