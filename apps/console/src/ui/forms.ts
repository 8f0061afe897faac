import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { errorMessage, fieldErrorsOf } from "./errors.ts";

/**
 * Puts a refused mutation's per-field messages beside the fields (the server validates with the same
 * zod schema as the form, so its paths are the form's); anything else goes to `root.server`.
 */
export function showServerErrors<T extends FieldValues>(setError: UseFormSetError<T>, error: unknown): void {
	const fields = Object.entries(fieldErrorsOf(error));
	for (const [field, messages] of fields) {
		setError(field as Path<T>, { type: "server", message: messages.join(" ") });
	}
	if (fields.length === 0)
		setError("root.server" as Path<T>, { type: "server", message: errorMessage(error) });
}
