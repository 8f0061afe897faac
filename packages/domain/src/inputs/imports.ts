import { z } from "zod";
import { recordId } from "./directory.ts";

/** The largest user import file accepted (UTF-8 bytes); the server refuses larger ones before storing anything. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
/** The most rows one user import holds; a larger directory is imported in several files. */
export const MAX_IMPORT_ROWS = 50_000;

/** A user import: the file's text (CSV or JSON) and the SCIM connection its users belong to. */
export const userImportInput = z.object({
	connectionId: z.uuid(),
	content: z.string().min(1, "The file is empty").max(MAX_IMPORT_BYTES, "The file is too large"),
});
export type UserImportInput = z.input<typeof userImportInput>;

/** One import, by its job id. */
export const userImportIdInput = z.object({ id: recordId });

/** A page of an import's rows in row order, after `afterRow`; only the errors with `errorsOnly`. */
export const userImportRowsInput = z.object({
	id: recordId,
	errorsOnly: z.boolean().default(false),
	afterRow: z.number().int().min(0).default(0),
	limit: z.number().int().min(1).max(500).default(100),
});
