import { z } from "zod";

/** The most rows one page of the audit viewer or the offboarding report returns. */
export const AUDIT_PAGE_MAX = 200;

/** The actor kinds an audit event records (the `actor_type` column). */
export const AUDIT_ACTOR_TYPES = ["scim_connection", "admin", "system"] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/** An event id as the trail numbers them (a bigint, sent as digits). */
const eventId = z.string().regex(/^[1-9][0-9]{0,18}$/, "must be an audit event id");

/**
 * Which audit events to show or export. Every field narrows (AND); names match case-insensitively
 * anywhere in the name, ids exactly. `connectionId` picks what a connection did (its SCIM writes) and
 * what was done to it (its settings and tokens). `from` is inclusive, `to` exclusive.
 */
export const auditFilterInput = z.object({
	actions: z.array(text(100)).max(20).optional(),
	actorType: z.enum(AUDIT_ACTOR_TYPES).optional(),
	actorName: text(200).optional(),
	entityType: text(50).optional(),
	entityId: text(200).optional(),
	entityName: text(200).optional(),
	connectionId: z.uuid().optional(),
	from: z.iso.datetime({ offset: true }).optional(),
	to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilterInput = z.infer<typeof auditFilterInput>;

/** One page of the audit viewer, newest first: pass the previous page's `nextCursor` for the next. */
export const auditListInput = auditFilterInput.extend({
	cursor: eventId.optional(),
	limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
});
export type AuditListInput = z.input<typeof auditListInput>;

/** The formats the audit export and the offboarding report are downloaded in (as the CLI writes them). */
export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;

/**
 * The query of `GET /exports/audit`: the viewer's filters plus a format. `action` repeats in a query
 * string, so the route collects it into `actions` before parsing.
 */
export const auditExportQuery = auditFilterInput.extend({
	format: z.enum(AUDIT_EXPORT_FORMATS).default("csv"),
});
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

/** The offboarding report's window: leavers from `since` on (all of them without it). */
export const offboardingFilterInput = z.object({ since: z.iso.datetime({ offset: true }).optional() });

/** One page of the offboarding report, newest first, with the window's latency summary. */
export const offboardingListInput = offboardingFilterInput.extend({
	cursor: eventId.optional(),
	limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
});
export type OffboardingListInput = z.input<typeof offboardingListInput>;

/** The query of `GET /exports/offboarding`. */
export const offboardingExportQuery = offboardingFilterInput.extend({
	format: z.enum(AUDIT_EXPORT_FORMATS).default("csv"),
});
