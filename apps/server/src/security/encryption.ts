import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_SALT = "roster/encryption-at-rest";

/**
 * Keys by version: new data is sealed with `current`, older versions stay readable, so ROSTER_SECRET
 * can be rotated without re-encrypting everything at once.
 */
export interface Keyring {
	current: number;
	keys: ReadonlyMap<number, Buffer>;
}

/** Raised when a blob cannot be opened: unknown key version, wrong key, or tampered bytes. */
export class DecryptionError extends Error {
	override name = "DecryptionError";
}

/** Derives the 32-byte AES key of one version from a secret with HKDF-SHA-256. */
export function deriveKey(secret: string, version: number): Buffer {
	return Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, `roster/aes-256-gcm/v${version}`, KEY_BYTES));
}

/**
 * Builds a keyring from secrets by version (e.g. `{ 1: oldSecret, 2: ROSTER_SECRET }`); the highest
 * version encrypts unless `current` says otherwise. Versions fit in the blob's leading byte (1–255).
 */
export function createKeyring(secretsByVersion: Record<number, string>, current?: number): Keyring {
	const keys = new Map<number, Buffer>();
	for (const [versionText, secret] of Object.entries(secretsByVersion)) {
		const version = Number(versionText);
		if (!Number.isInteger(version) || version < 1 || version > 255) {
			throw new RangeError(`Key version ${versionText} is outside 1-255`);
		}
		keys.set(version, deriveKey(secret, version));
	}
	const active = current ?? Math.max(...keys.keys());
	if (!keys.has(active)) throw new RangeError(`No key for current version ${active}`);
	return { current: active, keys };
}

/** Encrypts with AES-256-GCM: `version ‖ iv ‖ tag ‖ ciphertext`, base64url; the version byte is authenticated. */
export function encrypt(plaintext: string, keyring: Keyring): string {
	const key = keyring.keys.get(keyring.current);
	if (!key) throw new RangeError(`No key for current version ${keyring.current}`);
	const header = Buffer.from([keyring.current]);
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv(ALGORITHM, key, iv);
	cipher.setAAD(header);
	const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
	return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** Opens a blob made by `encrypt` with whichever key version sealed it; throws `DecryptionError` otherwise. */
export function decrypt(blob: string, keyring: Keyring): string {
	const bytes = Buffer.from(blob, "base64url");
	if (bytes.length < 1 + IV_BYTES + TAG_BYTES) throw new DecryptionError("Encrypted value is truncated");
	const version = bytes[0] as number;
	const key = keyring.keys.get(version);
	if (!key) throw new DecryptionError(`No key for version ${version}`);
	const iv = bytes.subarray(1, 1 + IV_BYTES);
	const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
	const decipher = createDecipheriv(ALGORITHM, key, iv);
	decipher.setAAD(bytes.subarray(0, 1));
	decipher.setAuthTag(tag);
	try {
		return Buffer.concat([
			decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
			decipher.final(),
		]).toString("utf8");
	} catch {
		throw new DecryptionError("Encrypted value failed authentication");
	}
}
