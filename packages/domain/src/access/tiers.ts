/**
 * Least to most privileged; a higher tier always wins. @roster/db's `access_tier` enum is this list, and
 * imports it through the `@roster/domain/tiers` entry: drizzle-kit loads the schema as CommonJS, and the
 * package root pulls in the ESM-only `canonicalize`.
 */
export const accessTiers = ["NONE", "USER", "PROJECTADMIN", "ADMIN"] as const;
export type AccessTier = (typeof accessTiers)[number];

/** Orders tiers by privilege (negative when `a` is below `b`), so callers never rely on string order. */
export function compareTiers(a: AccessTier, b: AccessTier): number {
	return accessTiers.indexOf(a) - accessTiers.indexOf(b);
}

/** The most privileged of `tiers`; `NONE` when there are none, since no grant means no access. */
export function maxTier(...tiers: AccessTier[]): AccessTier {
	return tiers.reduce<AccessTier>((best, tier) => (compareTiers(tier, best) > 0 ? tier : best), "NONE");
}

/** Reads a tier keyword in any case (`admin`, `ProjectAdmin`), as IdPs send them; `undefined` otherwise. */
export function parseTier(text: string): AccessTier | undefined {
	const lower = text.toLowerCase();
	return accessTiers.find((tier) => tier.toLowerCase() === lower);
}
