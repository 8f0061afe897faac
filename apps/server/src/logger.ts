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

/**
 * The process logger. Credentials are redacted by field name wherever they appear one level deep,
 * so a careless `logger.info({ password })` cannot leak; request bodies are never passed to it.
 */
export function createLogger(options: { level: Level | "silent"; destination?: DestinationStream }): Logger {
	return pino(
		{
			level: options.level,
			base: { service: "roster" },
			redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
		},
		options.destination,
	);
}
