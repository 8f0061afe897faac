import { accessTiers } from "@roster/domain/tiers";
import { pgEnum } from "drizzle-orm/pg-core";

/** What a user may do in the host platform; the tiers and their order are @roster/domain's `accessTiers`. */
export const accessTier = pgEnum("access_tier", accessTiers);

/** How a user signs in: a local console password, single sign-on, or only provisioned over SCIM. */
export const authMethod = pgEnum("auth_method", ["INTERNAL", "SSO", "SCIM"]);

export type { AccessTier } from "@roster/domain/tiers";
export type AuthMethod = (typeof authMethod.enumValues)[number];
