import { type DriverValueEncoder, is, Param, Placeholder, type Query, type SQL, sql } from "drizzle-orm";
import type { PgColumn, SelectedFieldsOrdered } from "drizzle-orm/pg-core";
import type { Executor } from "./types.ts";

/** What a Drizzle query builder offers once built: its text and parameters (placeholders unfilled). */
interface Buildable {
	toSQL(): Query;
}

/**
 * A statement whose text Drizzle builds once, with a placeholder per value, and that runs in any session
 * (the database or a transaction opened later) with only the values bound per call.
 */
export interface ReusableStatement<Values, Row> {
	/** Runs the statement; a value whose key is not one of the statement's placeholders is refused. */
	run(executor: Executor, values: Values): Promise<Row[]>;
}

/**
 * Defines a reusable statement. Drizzle rebuilds a query's text on every execution (about 110 µs for the
 * users insert, 15–21 % of a SCIM write's CPU, docs/decisions/0208), and its own `.prepare()` binds the
 * statement to the session it was built in, so it cannot serve transactions opened later.
 *
 * - `name` is the statement's name for PostgreSQL and must be unique per text; the prepare policy
 *   prepares a named statement from its first use (0200).
 * - `build` gets the executor of the first call (only to reach Drizzle's dialect) and one placeholder per
 *   key, and returns a query builder.
 * - `returning` is what the statement returns, in the order its text lists it: the same record as given to
 *   `.select(…)` or `.returning(…)`, or `getTableColumns(table)` for a builder called without one.
 *
 * Refusing unknown keys keeps a column added to a caller's values from being dropped without a word.
 */
export function reusableStatement<Values extends Record<string, unknown>, Row = never>(
	name: string,
	keys: readonly (keyof Values & string)[],
	build: (executor: Executor, values: { [Key in keyof Values]: Placeholder }) => Buildable,
	returning?: Record<string, PgColumn | SQL>,
): ReusableStatement<Values, Row> {
	const known = new Set<string>(keys);
	const fields: SelectedFieldsOrdered | undefined = returning
		? Object.entries(returning).map(([path, field]) => ({ path: [path], field }))
		: undefined;
	let built: Built | undefined;
	return {
		async run(executor, values) {
			for (const key in values) {
				if (!known.has(key)) throw new Error(`statement ${name} has no placeholder for "${key}"`);
			}
			if (built === undefined) {
				const named = Object.fromEntries(keys.map((key) => [key, sql.placeholder(key)]));
				built = slotsOf(build(executor, named as { [Key in keyof Values]: Placeholder }).toSQL());
			}
			const params = [...built.params];
			for (const slot of built.slots) params[slot.index] = bind(name, slot, values[slot.name]);
			const prepared = executor._.session.prepareQuery({ sql: built.sql, params }, fields, name, false);
			return (await prepared.execute()) as Row[];
		},
	};
}

/** Where a placeholder's value goes in the parameters, and the column encoder it passes through. */
interface Slot {
	index: number;
	name: string;
	encoder: DriverValueEncoder<unknown, unknown> | undefined;
}

interface Built {
	sql: string;
	/** The parameters, constants already encoded; each slot's place is filled per call. */
	params: unknown[];
	slots: Slot[];
}

function slotsOf(query: Query): Built {
	const slots: Slot[] = [];
	query.params.forEach((param, index) => {
		if (is(param, Placeholder)) slots.push({ index, name: param.name, encoder: undefined });
		else if (is(param, Param) && is(param.value, Placeholder)) {
			slots.push({ index, name: param.value.name, encoder: param.encoder });
		}
	});
	return { sql: query.sql, params: query.params, slots };
}

/**
 * A value as Drizzle would bind it: null stays null (Drizzle's own `fillPlaceholders` would hand it to the
 * encoder, which fails for timestamps), anything else goes through the column's encoder. A missing value
 * is an error rather than the column's default, which a reused text cannot switch to.
 */
function bind(name: string, slot: Slot, value: unknown): unknown {
	if (value === undefined) throw new Error(`statement ${name} needs a value for "${slot.name}"`);
	if (value === null || slot.encoder === undefined) return value;
	return slot.encoder.mapToDriverValue(value);
}
