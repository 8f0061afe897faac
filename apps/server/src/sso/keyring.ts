import { createKeyring, type Keyring } from "../security/encryption.ts";

/**
 * The AES-256-GCM keyring single sign-on seals with (stored client secrets, pending-login cookies),
 * derived from ROSTER_SECRET. Sealed values carry their key version, so a later rotation keeps them readable.
 */
export function ssoKeyring(secret: string): Keyring {
	return createKeyring({ 1: secret });
}
