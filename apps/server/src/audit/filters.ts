import type { AuditFilterInput } from "@roster/domain/inputs/audit";
import { type SQL, sql } from "drizzle-orm";

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
export function likeLiteral(text: string): string {
	return text.replace(/[\\%_]/g, "\\$&");
}

/** Case-insensitive "contains" on a text column. */
function contains(column: SQL, text: string): SQL {
	return sql`${column} ilike ${`%${likeLiteral(text)}%`}`;
}

/**
 * What a connection did and what was done to it: its SCIM writes (actor), its own settings events and
 * its tokens' events (entity). Every branch stays inside `orgId`, so another organization's connection id
 * matches nothing.
 */
function ofConnection(orgId: string, connectionId: string): SQL {
	return sql`((actor_type = 'scim_connection' and actor_id = ${connectionId})
		or (entity_type = 'ScimConnection' and entity_id = ${connectionId})
		or (entity_type = 'ScimToken' and entity_id in (
			select id::text from scim_tokens where org_id = ${orgId} and connection_id = ${connectionId})))`;
}

/**
 * The SQL condition of the audit viewer's and the export's filters, always scoped to one organization:
 * the one home of what each filter means, so the page on screen and the downloaded file agree.
 */
export function auditFilterWhere(orgId: string, filter: AuditFilterInput): SQL {
	const parts: SQL[] = [sql`org_id = ${orgId}`];
	if (filter.actions && filter.actions.length > 0) {
		parts.push(
			sql`action in (${sql.join(
				filter.actions.map((action) => sql`${action}`),
				sql`, `,
			)})`,
		);
	}
	if (filter.actorType) parts.push(sql`actor_type = ${filter.actorType}`);
	if (filter.actorName) parts.push(contains(sql`actor_name`, filter.actorName));
	if (filter.entityType) parts.push(sql`entity_type = ${filter.entityType}`);
	if (filter.entityId) parts.push(sql`entity_id = ${filter.entityId}`);
	if (filter.entityName) parts.push(contains(sql`entity_name`, filter.entityName));
	if (filter.connectionId) parts.push(ofConnection(orgId, filter.connectionId));
	if (filter.from) parts.push(sql`occurred_at >= ${filter.from}::timestamptz`);
	if (filter.to) parts.push(sql`occurred_at < ${filter.to}::timestamptz`);
	return sql.join(parts, sql` and `);
}
