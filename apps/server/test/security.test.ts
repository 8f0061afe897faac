import { describe, expect, it } from "vitest";
import { createKeyring, DecryptionError, decrypt, encrypt } from "../src/security/encryption.ts";
import { hashPassword, verifyPassword } from "../src/security/passwords.ts";
import { hashSecret, issueSecret, secretsEqual } from "../src/security/tokens.ts";
import { TEST_SECRET } from "./helpers.ts";

describe("issueSecret", () => {
	it.each([
		["scim", "rst_scim_"],
		["appkey", "rst_app_"],
		["session", "rst_sess_"],
	] as const)("issues %s secrets with the %s prefix and 256 random bits", (kind, prefix) => {
		const issued = issueSecret(kind, TEST_SECRET);
		expect(issued.token.startsWith(prefix)).toBe(true);
		const random = Buffer.from(issued.token.slice(prefix.length), "base64url");
		expect(random.length).toBeGreaterThanOrEqual(32);
		expect(issued.prefix).toBe(issued.token.slice(0, 12));
		expect(issued.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(issued.hash).not.toContain(issued.token);
		expect(issued.hash).toBe(hashSecret(issued.token, TEST_SECRET));
	});

	it("never issues the same token twice", () => {
		const tokens = new Set(Array.from({ length: 200 }, () => issueSecret("scim", TEST_SECRET).token));
		expect(tokens.size).toBe(200);
	});

	it("hashes with the server secret as key", () => {
		const { token } = issueSecret("scim", TEST_SECRET);
		expect(hashSecret(token, TEST_SECRET)).not.toBe(hashSecret(token, `${TEST_SECRET}-other`));
	});
});

describe("secretsEqual", () => {
	it("compares by content", () => {
		const hash = hashSecret("rst_scim_abc", TEST_SECRET);
		expect(secretsEqual(hash, `${hash}`)).toBe(true);
		const lastFlipped = `${hash.slice(0, -1)}${hash.endsWith("0") ? "1" : "0"}`;
		expect(secretsEqual(hash, lastFlipped)).toBe(false);
		expect(secretsEqual(hash, hash.slice(1))).toBe(false);
		expect(secretsEqual("", "")).toBe(true);
	});
});

describe("encryption", () => {
	const keyring = createKeyring({ 1: TEST_SECRET });

	it("round-trips text and never repeats a ciphertext", () => {
		const plaintext = "client secret: s3cr3t ✓";
		const first = encrypt(plaintext, keyring);
		const second = encrypt(plaintext, keyring);
		expect(first).not.toBe(second);
		expect(first).not.toContain("s3cr3t");
		expect(decrypt(first, keyring)).toBe(plaintext);
		expect(decrypt(second, keyring)).toBe(plaintext);
	});

	it("keeps old versions readable after a rotation and seals new data with the new key", () => {
		const old = encrypt("before rotation", keyring);
		const rotated = createKeyring({ 1: TEST_SECRET, 2: "a-brand-new-secret-that-is-32-bytes+" });
		const fresh = encrypt("after rotation", rotated);
		expect(Buffer.from(old, "base64url")[0]).toBe(1);
		expect(Buffer.from(fresh, "base64url")[0]).toBe(2);
		expect(decrypt(old, rotated)).toBe("before rotation");
		expect(decrypt(fresh, rotated)).toBe("after rotation");
		expect(() => decrypt(fresh, keyring)).toThrow(DecryptionError);
	});

	it("detects tampering with the ciphertext, the tag or the version byte", () => {
		const blob = Buffer.from(encrypt("payload", keyring), "base64url");
		for (const index of [0, 5, 20, blob.length - 1]) {
			const tampered = Buffer.from(blob);
			tampered[index] = (tampered[index] as number) ^ 0x01;
			expect(() => decrypt(tampered.toString("base64url"), keyring)).toThrow(DecryptionError);
		}
		expect(() => decrypt("short", keyring)).toThrow(DecryptionError);
	});

	it("fails with a different secret", () => {
		const blob = encrypt("payload", keyring);
		expect(() => decrypt(blob, createKeyring({ 1: `${TEST_SECRET}!` }))).toThrow(DecryptionError);
	});
});

describe("passwords", () => {
	it("hashes with argon2id and verifies only the right password", async () => {
		const hash = await hashPassword("correct horse battery staple");
		expect(hash.startsWith("$argon2id$")).toBe(true);
		expect(hash).not.toContain("correct horse");
		expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
		expect(await verifyPassword(hash, "Correct horse battery staple")).toBe(false);
	});

	it("treats a malformed stored hash as a mismatch", async () => {
		expect(await verifyPassword("not-a-phc-string", "anything")).toBe(false);
	});
});
