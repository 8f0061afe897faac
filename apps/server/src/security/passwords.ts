import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** Hashes a console password with argon2id (the library's default algorithm) into a PHC string. */
export function hashPassword(password: string): Promise<string> {
	return hash(password);
}

/** Checks a password against a stored PHC string; a malformed hash counts as a mismatch, not an error. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let decoyHash: Promise<string> | undefined;

/**
 * Spends the time of one real `verifyPassword` and answers false, for sign-ins naming no account with a
 * password: the answer then takes as long as a wrong password, so timing does not tell which emails
 * exist. The decoy is an argon2id hash of a random secret made once per process with the same parameters.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
	decoyHash ??= hashPassword(randomBytes(32).toString("base64url"));
	await verifyPassword(await decoyHash, password);
	return false;
}
