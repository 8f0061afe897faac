import { isAbsolute, resolve } from "node:path";
import { DatabaseError } from "./errors.ts";

/** Where a database URL points: a PostgreSQL server, a PGlite directory, or in-memory PGlite. */
export type DatabaseTarget =
	| { kind: "postgres"; url: string }
	| { kind: "pglite"; dataDir: string }
	| { kind: "pglite"; dataDir: null };

/** Replaces the password of a URL-like string with `***` so it can be logged or shown in errors. */
export function redactUrl(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^@/]*@/i, "$1***@");
}

/**
 * Parses `postgres://…`, `postgresql://…`, `pglite:///abs/dir`, `pglite://./rel/dir` (relative to the
 * working directory) and `memory://`, rejecting anything else with a one-line `DatabaseError`.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
	const trimmed = url.trim();
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
	if (!scheme) {
		throw new DatabaseError(
			`Malformed database URL "${redactUrl(trimmed)}": expected postgres://, pglite:// or memory://`,
		);
	}
	switch (scheme) {
		case "postgres":
		case "postgresql":
			return { kind: "postgres", url: validPostgresUrl(trimmed) };
		case "pglite":
			return { kind: "pglite", dataDir: pgliteDirectory(trimmed, cwd) };
		case "memory":
			if (trimmed.length > "memory://".length) {
				throw new DatabaseError(`Malformed database URL "${trimmed}": memory:// takes no path`);
			}
			return { kind: "pglite", dataDir: null };
		default:
			throw new DatabaseError(
				`Unsupported database URL scheme "${scheme}://": use postgres://, pglite:// or memory://`,
			);
	}
}

function validPostgresUrl(url: string): string {
	try {
		new URL(url);
	} catch {
		throw new DatabaseError(`Malformed database URL "${redactUrl(url)}": not a valid postgres:// URL`);
	}
	return url;
}

function pgliteDirectory(url: string, cwd: string): string {
	let path: string;
	try {
		path = decodeURIComponent(url.slice("pglite://".length));
	} catch {
		throw new DatabaseError(`Malformed database URL "${url}": invalid percent-encoding in the path`);
	}
	if (path === "" || path === "/") {
		throw new DatabaseError(`Malformed database URL "${url}": pglite:// needs a data directory path`);
	}
	return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}
