import { pgEnum } from "drizzle-orm/pg-core";

/** What a user may do in the host platform; the order is from least to most privileged. */
export const accessTier = pgEnum("access_tier", ["NONE", "USER", "PROJECTADMIN", "ADMIN"]);

/** How a user signs in: a local console password, single sign-on, or only provisioned over SCIM. */
export const authMethod = pgEnum("auth_method", ["INTERNAL", "SSO", "SCIM"]);

export type AccessTier = (typeof accessTier.enumValues)[number];
export type AuthMethod = (typeof authMethod.enumValues)[number];
