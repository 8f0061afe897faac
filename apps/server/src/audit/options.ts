import { OperationError } from "../operation-error.ts";

/** The output formats of `audit export` and `audit offboarding`. */
const auditOutputFormats = ["jsonl", "csv"] as const;
export type AuditOutputFormat = (typeof auditOutputFormats)[number];

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** `--format`, jsonl by default; anything else is a one-line operator error. */
export function parseOutputFormat(value: string | undefined): AuditOutputFormat {
	if (value === undefined) return "jsonl";
	const format = auditOutputFormats.find((known) => known === value);
	if (!format) throw new OperationError("invalid", `Invalid --format "${value}": use jsonl or csv`);
	return format;
}

/**
 * `--since` as an ISO-8601 date (`2026-11-01`, midnight UTC) or date-time with a zone (`Z` or an offset):
 * a time without a zone would silently depend on the operator's machine, so it is refused.
 */
export function parseSince(value: string | undefined): Date | undefined {
	if (value === undefined) return undefined;
	const time = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(time)) {
		throw new OperationError(
			"invalid",
			`Invalid --since "${value}": use an ISO-8601 date or date-time with a zone, e.g. 2026-11-01 or 2026-11-01T09:00:00Z`,
		);
	}
	return new Date(time);
}
