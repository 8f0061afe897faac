import { z } from "zod";

/** The most rows one page of the provisioning log returns. */
export const PROVISIONING_LOG_PAGE_MAX = 200;

/** A status filter: a class (`2xx`, `4xx`, `5xx`, …) or one exact HTTP status. */
export const provisioningStatusFilter = z.union([
	z.enum(["2xx", "3xx", "4xx", "5xx"]),
	z.coerce.number().int().min(100).max(599),
]);

/**
 * Which SCIM requests to show. `user` is a user id or a userName (resolved to the id in the caller's
 * organization) and matches requests whose path names that user (`/Users/{id}`); `from` is inclusive,
 * `to` exclusive.
 */
export const provisioningLogFilterInput = z.object({
	status: provisioningStatusFilter.optional(),
	connectionId: z.uuid().optional(),
	user: z.string().trim().min(1).max(256).optional(),
	from: z.iso.datetime({ offset: true }).optional(),
	to: z.iso.datetime({ offset: true }).optional(),
});
export type ProvisioningLogFilterInput = z.infer<typeof provisioningLogFilterInput>;

/** A position in the log, newest first: the last row's time and id, as the previous page returned it. */
const logCursor = z
	.string()
	.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z~[1-9][0-9]{0,18}$/, "must be a log cursor");

/** One page of the provisioning log, newest first; bodies are not in the rows (see `provisioningLog.get`). */
export const provisioningLogListInput = provisioningLogFilterInput.extend({
	cursor: logCursor.optional(),
	limit: z.number().int().min(1).max(PROVISIONING_LOG_PAGE_MAX).default(50),
});
export type ProvisioningLogListInput = z.input<typeof provisioningLogListInput>;

/** One provisioning-log row by id, with its redacted bodies. */
export const provisioningLogGetInput = z.object({
	id: z.string().regex(/^[1-9][0-9]{0,18}$/, "must be a log id"),
});
