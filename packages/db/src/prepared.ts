const preparedReads = new WeakMap<object, Map<string, unknown>>();

/**
 * The hot reads (lookups by key, id or secret hash) are built once per database and sent as named
 * prepared statements: no query building per request, and PostgreSQL parses and plans them once per
 * connection. `name` must be unique per statement shape.
 */
export function preparedRead<T>(db: object, name: string, build: () => T): T {
	let byName = preparedReads.get(db);
	if (!byName) {
		byName = new Map();
		preparedReads.set(db, byName);
	}
	let query = byName.get(name) as T | undefined;
	if (query === undefined) {
		query = build();
		byName.set(name, query);
	}
	return query;
}
