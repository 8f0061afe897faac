const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `text` is a UUID in any letter case. Resource ids are UUIDs, which PostgreSQL compares without
 * regard to case, so `GET /Users/<UPPER-CASE id>` and `filter=id eq "<UPPER-CASE id>"` must agree; text
 * that is not a UUID cannot name a resource and never reaches a `::uuid` cast.
 */
export function isUuid(text: string): boolean {
	return UUID.test(text);
}
