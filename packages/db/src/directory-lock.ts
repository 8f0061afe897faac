import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseError } from "./errors.ts";

const heldLocks = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes an exclusive lock on a PGlite data directory, because PGlite has none of its own and two
 * processes writing the same directory corrupt it. The lock is a sibling file `<dir>.lock` holding
 * the owner's pid; a lock whose pid is no longer running is taken over. Returns the release function.
 */
export function lockDataDirectory(dataDir: string): () => void {
	const lockPath = `${dataDir}.lock`;
	mkdirSync(dirname(lockPath), { recursive: true });
	for (let attempt = 0; attempt < 3; attempt++) {
		if (tryCreate(lockPath)) {
			installExitHook();
			heldLocks.add(lockPath);
			return () => release(lockPath);
		}
		const owner = readOwner(lockPath);
		if (owner !== null && isRunning(owner)) {
			const who = owner === process.pid ? "this process" : `process ${owner}`;
			throw new DatabaseError(
				`PGlite data directory ${dataDir} is already open in ${who} (lock file ${lockPath}); embedded PGlite allows one process at a time: stop the server before running CLI commands on it, or use PostgreSQL`,
			);
		}
		removeQuietly(lockPath);
	}
	throw new DatabaseError(`Could not lock PGlite data directory ${dataDir} (lock file ${lockPath})`);
}

function tryCreate(lockPath: string): boolean {
	let fd: number;
	try {
		fd = openSync(lockPath, "wx", 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
		throw new DatabaseError(`Cannot create lock file ${lockPath}: ${(error as Error).message}`);
	}
	try {
		writeSync(fd, `${process.pid}\n`);
	} finally {
		closeSync(fd);
	}
	return true;
}

function readOwner(lockPath: string): number | null {
	try {
		const pid = Number.parseInt(readFileSync(lockPath, "utf8").trim(), 10);
		return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

function release(lockPath: string): void {
	if (!heldLocks.delete(lockPath)) return;
	if (readOwner(lockPath) === process.pid) removeQuietly(lockPath);
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {}
}

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once("exit", () => {
		for (const lockPath of [...heldLocks]) release(lockPath);
	});
}
