import { ssoMatchAttributes } from "@roster/domain/inputs/sso";
import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt, updatedAt } from "./timestamps.ts";

export { type SsoMatchAttribute, ssoMatchAttributes } from "@roster/domain/inputs/sso";

/**
 * An organization's single sign-on (OpenID Connect) configuration: at most one per organization. The
 * client secret is stored only sealed with AES-256-GCM (`security/encryption.ts`) and never read back out.
 */
export const ssoSettings = pgTable(
	"sso_settings",
	{
		orgId: uuid()
			.primaryKey()
			.references(() => organizations.id, { onDelete: "cascade" }),
		enabled: boolean().notNull().default(false),
		issuer: text().notNull().default(""),
		clientId: text().notNull().default(""),
		clientSecretSealed: text(),
		matchAttribute: text({ enum: ssoMatchAttributes }).notNull().default("userName"),
		matchClaim: text().notNull().default("preferred_username"),
		/** Bumped by every save, so cached discovery and sign-ins begun under older settings are dropped. */
		version: integer().notNull().default(1),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
	},
	(t) => [
		check("sso_settings_match_attribute_check", sql`${t.matchAttribute} in ('userName', 'externalId')`),
	],
);

export type SsoSettings = typeof ssoSettings.$inferSelect;
export type NewSsoSettings = typeof ssoSettings.$inferInsert;
