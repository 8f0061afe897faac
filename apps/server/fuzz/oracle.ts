import { SCIM_ERROR_SCHEMA } from "@roster/scim";
import { isScimPath } from "../src/http/errors.ts";

/** The longest a case may take, from sending to the last byte of the answer. */
export const ANSWER_DEADLINE_MS = 5_000;

/** An answer as both transports (HTTP and `app.request`) report it. */
export interface FuzzAnswer {
	status: number;
	body: string;
	ms: number;
}

/** What the server must never do, whatever it was sent. */
export type FailureKind = "5xx" | "not-a-scim-error" | "stack-trace" | "timeout" | "no-answer";

/** The verdict on one answer; `missingScimType` is counted, not failed (RFC 7644 §3.12 lists where it applies). */
export interface Verdict {
	failures: FailureKind[];
	missingScimType: boolean;
}

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|\bat (?:file|node):\/\/|node_modules\/|\(node:internal/;

function isScimError(body: string, status: number): boolean {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return false;
	}
	if (typeof parsed !== "object" || parsed === null) return false;
	const error = parsed as { schemas?: unknown; status?: unknown; detail?: unknown };
	return (
		Array.isArray(error.schemas) &&
		error.schemas.includes(SCIM_ERROR_SCHEMA) &&
		error.status === String(status) &&
		typeof error.detail === "string"
	);
}

function scimTypeOf(body: string): unknown {
	try {
		return (JSON.parse(body) as { scimType?: unknown }).scimType;
	} catch {
		return undefined;
	}
}

/** Where the server routes `path` (dot segments resolved as a URL parser does), to know if it is a SCIM path. */
function routedPath(path: string): string {
	try {
		return new URL(path, "http://roster.fuzz").pathname;
	} catch {
		return path;
	}
}

/**
 * The oracle: below 500; every 4xx/5xx on a SCIM path a SCIM Error whose `status` is the HTTP status as
 * a string and whose `detail` is a string; no stack trace in any body; answered within the deadline.
 * HEAD answers carry no body, so only their status is judged. The in-process smoke test passes an
 * infinite deadline: time is judged only against the real server.
 */
export function judge(
	request: { method: string; path: string },
	answer: FuzzAnswer,
	deadlineMs = ANSWER_DEADLINE_MS,
): Verdict {
	const failures: FailureKind[] = [];
	if (answer.status >= 500) failures.push("5xx");
	const hasBody = request.method.toUpperCase() !== "HEAD";
	if (
		hasBody &&
		answer.status >= 400 &&
		isScimPath(routedPath(request.path)) &&
		!isScimError(answer.body, answer.status)
	) {
		failures.push("not-a-scim-error");
	}
	if (STACK_TRACE.test(answer.body)) failures.push("stack-trace");
	if (answer.ms > deadlineMs) failures.push("timeout");
	const missingScimType = hasBody && answer.status === 400 && typeof scimTypeOf(answer.body) !== "string";
	return { failures, missingScimType };
}

/** A request that got no complete answer: the deadline passed, or the connection broke. */
export class NoAnswer extends Error {
	constructor(
		readonly kind: "timeout" | "no-answer",
		readonly ms: number,
		message: string,
	) {
		super(message);
	}
}
