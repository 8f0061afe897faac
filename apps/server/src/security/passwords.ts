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
