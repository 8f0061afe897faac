import { idpKinds } from "@roster/domain/inputs/connections";
import { sql } from "drizzle-orm";
import { type AnyPgColumn, check, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt, timestamptz } from "./timestamps.ts";

export { type IdpKind, idpKinds } from "@roster/domain/inputs/connections";

/** One identity provider pushing users into an organization; its tokens and its compatibility settings hang off it. */
export const scimConnections = pgTable(
	"scim_connections",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid()
			.notNull()
			.references(() => organizations.id, { onDelete: "cascade" }),
		name: text().notNull(),
		idpKind: text({ enum: idpKinds }).notNull().default("generic"),
		settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		createdAt: createdAt(),
	},
	(t) => [
		uniqueIndex("scim_connections_org_name_unique").on(t.orgId, t.name),
		check(
			"scim_connections_idp_kind_check",
			sql`${t.idpKind} in ('entra', 'okta', 'ping', 'onelogin', 'generic')`,
		),
	],
);

/** SCIM bearer tokens, stored only as an HMAC so a database leak does not leak working credentials. */
export const scimTokens = pgTable("scim_tokens", {
	id: uuid().primaryKey().defaultRandom(),
	orgId: uuid()
		.notNull()
		.references(() => organizations.id, { onDelete: "cascade" }),
	connectionId: uuid()
		.notNull()
		.references(() => scimConnections.id, { onDelete: "cascade" }),
	prefix: text().notNull(),
	tokenHash: text().notNull().unique("scim_tokens_token_hash_unique"),
	createdBy: text(),
	createdAt: createdAt(),
	expiresAt: timestamptz(),
	lastUsedAt: timestamptz(),
	lastUsedIp: text(),
	revokedAt: timestamptz(),
	rotatedFrom: uuid().references((): AnyPgColumn => scimTokens.id, { onDelete: "set null" }),
});

export type ScimConnection = typeof scimConnections.$inferSelect;
export type NewScimConnection = typeof scimConnections.$inferInsert;
export type ScimToken = typeof scimTokens.$inferSelect;
export type NewScimToken = typeof scimTokens.$inferInsert;
