import type { DestinationStream, Level, Logger } from "pino";
import pino from "pino";

export type { Logger } from "pino";

const REDACTED_PATHS = [
	"authorization",
	"cookie",
	"password",
	"token",
	"secret",
	"headers.authorization",
	"headers.cookie",
	"headers['set-cookie']",
	"*.authorization",
	"*.cookie",
	"*.password",
	"*.token",
	"*.secret",
	"*.headers.authorization",
	"*.headers.cookie",
];

/** Where a driver's error text stops describing the failure and starts quoting data. */
const QUERY_PARAMETERS = /\s*params:[\s\S]*$/;
const QUOTED_INPUT = /^(invalid input (?:syntax|value) for [^:]*):[\s\S]*$/;
const MAX_CAUSES = 5;

/** Names of database error fields safe to log: they name schema objects, never row values. */
const SCHEMA_FIELDS = {
	code: ["code"],
	constraint: ["constraint", "constraint_name"],
	table: ["table", "table_name"],
	schema: ["schema", "schema_name"],
	column: ["column", "column_name"],
} as const;

/** An error message cut before the data a driver quotes in it (query parameters, an invalid input value). */
export function withoutData(text: string): string {
	return text.replace(QUERY_PARAMETERS, "").replace(QUOTED_INPUT, "$1");
}

/** The stack's frames under a safe header; V8 writes the message into the stack's first lines verbatim. */
function safeStack(error: Error, header: string): string | undefined {
	const stack = error.stack;
	if (typeof stack !== "string") return undefined;
	const at = stack.indexOf(error.message);
	if (error.message !== "" && at >= 0) return `${header}${stack.slice(at + error.message.length)}`;
	return [header, ...stack.split("\n").filter((line) => /^\s+at /.test(line))].join("\n");
}

export interface SerializedError {
	type: string;
	message: string;
	stack?: string;
	/** An HTTP status the error carries (ScimError, OperationError). */
	status?: number;
	code?: string;
	constraint?: string;
	table?: string;
	schema?: string;
	column?: string;
	cause?: SerializedError;
	/** The first of an AggregateError's errors (a connection refused on every address of a host). */
	errors?: SerializedError[];
}

function serializeOne(value: unknown): SerializedError {
	if (!(value instanceof Error)) return { type: typeof value, message: withoutData(String(value)) };
	const message = withoutData(String(value.message));
	const stack = safeStack(value, `${value.name}: ${message}`);
	const out: SerializedError = {
		type: value.constructor?.name ?? value.name,
		message,
		...(stack ? { stack } : {}),
	};
	const fields = value as unknown as Record<string, unknown>;
	if (typeof fields.status === "number") out.status = fields.status;
	for (const [name, sources] of Object.entries(SCHEMA_FIELDS)) {
		const found = sources.map((source) => fields[source]).find((field) => typeof field === "string");
		if (typeof found === "string") out[name as keyof typeof SCHEMA_FIELDS] = found;
	}
	return out;
}

/**
 * The one serializer for every logged error (`{ err }`): its type, message and stack, the SQLSTATE or
 * system code, an HTTP status and the names of the constraint, table and column involved, along its
 * `cause` chain.
 * Everything that can carry data is left out: Drizzle's `params:` (personal data, token HMACs, whole
 * provisioning-log batches), PostgreSQL's `detail` (`Key (…)=(alice@…) already exists`), `where`, the
 * driver's `parameters`, `query` and request bodies, and the value quoted by "invalid input syntax".
 */
export function serializeError(error: unknown): SerializedError {
	const root = withCauses(error);
	if (error instanceof AggregateError) root.errors = error.errors.slice(0, MAX_CAUSES).map(withCauses);
	return root;
}

function withCauses(error: unknown): SerializedError {
	const root = serializeOne(error);
	let holder = root;
	let cause = error instanceof Error ? error.cause : undefined;
	for (let depth = 0; cause !== undefined && depth < MAX_CAUSES; depth += 1) {
		holder.cause = serializeOne(cause);
		holder = holder.cause;
		cause = cause instanceof Error ? cause.cause : undefined;
	}
	return root;
}

/**
 * The process logger. Credentials are redacted by field name wherever they appear one level deep,
 * so a careless `logger.info({ password })` cannot leak; request bodies are never passed to it, and
 * errors are logged through `serializeError`, never with their query parameters.
 */
export function createLogger(options: { level: Level | "silent"; destination?: DestinationStream }): Logger {
	return pino(
		{
			level: options.level,
			base: { service: "roster" },
			redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
			serializers: { err: serializeError },
		},
		options.destination,
	);
}
