/**
 * A database problem an operator can act on (bad URL, unreachable server, locked data directory).
 * The message is one line and never contains a password, so the CLI and server can print it as is.
 */
export class DatabaseError extends Error {
	override name = "DatabaseError";
}
