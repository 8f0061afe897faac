import type { Database } from "@roster/db";

const STATEMENT_METHODS = new Set(["execute", "select", "selectDistinct", "insert", "update", "delete"]);

/**
 * Wraps a Drizzle database so every statement started through it, or through a transaction it opens,
 * is counted: the test-side stand-in for `log_statement`, the same on PGlite and PostgreSQL. Builders are
 * counted when started; reusable statements (`reusableStatement`) when they reach `_.session.prepareQuery`.
 */
export function countingDatabase(db: Database): { db: Database; statements: () => number } {
	let count = 0;
	const wrap = <T extends object>(target: T): T =>
		new Proxy(target, {
			get(object, property, receiver) {
				const value = Reflect.get(object, property, receiver);
				if (property === "_")
					return { ...(value as object), session: countPrepares((value as { session: object }).session) };
				if (typeof value !== "function") return value;
				if (property === "transaction") {
					return (work: (tx: object) => Promise<unknown>, ...rest: unknown[]) =>
						value.call(object, (tx: object) => work(wrap(tx)), ...rest);
				}
				if (typeof property === "string" && STATEMENT_METHODS.has(property)) {
					return (...args: unknown[]) => {
						count++;
						return value.apply(object, args);
					};
				}
				return value.bind(object);
			},
		});
	const countPrepares = <T extends object>(session: T): T =>
		new Proxy(session, {
			get(object, property, receiver) {
				const value = Reflect.get(object, property, receiver);
				if (property !== "prepareQuery" || typeof value !== "function") return value;
				return (...args: unknown[]) => {
					count++;
					return value.apply(object, args);
				};
			},
		});
	return { db: wrap(db), statements: () => count };
}
