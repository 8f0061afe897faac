import { type IdpKind, idpKinds } from "@roster/db";
import { type AuditOutputFormat, auditOutputFormats } from "../audit/options.ts";
import { OperationError } from "../operation-error.ts";
import type { Values } from "./command.ts";

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** A flag the command cannot run without; blank counts as missing. */
export function need(values: Values, flag: string): string {
	const value = values[flag];
	if (value === undefined || value.trim() === "")
		throw new OperationError("invalid", `Missing required option --${flag}`);
	return value;
}

/** `--idp`, one of the IdP kinds a connection can have. */
export function parseIdp(value: string | undefined): IdpKind | undefined {
	if (value === undefined) return undefined;
	const kind = idpKinds.find((candidate) => candidate === value);
	if (!kind)
		throw new OperationError("invalid", `Unknown --idp "${value}"; use one of ${idpKinds.join(", ")}`);
	return kind;
}

/** `--expires-in`, a whole number of days from 1. */
export function parseDays(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < 1) {
		throw new OperationError("invalid", `Invalid --expires-in "${value}": give a whole number of days`);
	}
	return Number(value);
}

/** `--format`, jsonl by default. */
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
