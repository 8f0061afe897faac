import { beginPipelined, type ReservesConnections } from "./pipelined-begin.ts";

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

/**
 * At most this many distinct statement texts are prepared per process (and so per connection). The
 * server's own statements are about a hundred distinct texts; SCIM filters compile to texts that depend
 * on the filter's shape (values are parameters), and a client can send any number of shapes. postgres-js
 * never deallocates a statement, so each of the pool's connections would keep every text it ever ran:
 * 500 texts × ~10–50 kB of parse tree and plan ≈ 5–25 MB per PostgreSQL backend at worst, bounded
 * (docs/decisions/0200).
 */
export const MAX_PREPARED_TEXTS = 500;

/** How many once-seen texts are remembered before the memory is reset, so one-off texts cannot grow it. */
const MAX_SEEN_ONCE = 4 * MAX_PREPARED_TEXTS;

/** One statement as the driver is about to send it: for tests that count statements and round trips. */
export type StatementObserver = (statement: {
	connection: number;
	text: string;
	/** Sent as a named statement by the policy (the driver's own `begin`/`commit` report false). */
	prepared: boolean;
	parameters: number;
}) => void;

/**
 * Which statements go to PostgreSQL as named prepared statements. postgres-js sends a query with
 * parameters that is not prepared as Parse/Describe, waits for the parameter types, then Bind/Execute:
 * two round trips, a fresh parse and plan each time, and no pipelining behind it. A prepared one costs one
 * round trip once the connection has it. A text is prepared from its second use (a one-off text, such as
 * a rare filter, never is) while fewer than `limit` texts are prepared; after that, new texts stay unnamed.
 */
export class PreparePolicy {
	readonly #limit: number;
	readonly #prepared = new Set<string>();
	#seenOnce = new Set<string>();
	/** Called for every statement a connection builds; unset outside tests. */
	observer: StatementObserver | undefined;

	constructor(limit = MAX_PREPARED_TEXTS) {
		this.#limit = limit;
	}

	/** Whether `text` is sent prepared; counts its use. `asked` is true for Drizzle's named `.prepare()`. */
	decide(text: string, asked: boolean): boolean {
		if (this.#prepared.has(text)) return true;
		if (this.#prepared.size >= this.#limit) return false;
		if (asked || this.#seenOnce.has(text)) {
			this.#seenOnce.delete(text);
			this.#prepared.add(text);
			return true;
		}
		if (this.#seenOnce.size >= MAX_SEEN_ONCE) this.#seenOnce = new Set();
		this.#seenOnce.add(text);
		return false;
	}

	/** Whether `text` is one of the prepared texts. */
	isPrepared(text: string): boolean {
		return this.#prepared.has(text);
	}

	/** How many distinct texts are prepared. */
	get size(): number {
		return this.#prepared.size;
	}
}

interface UnsafeOptions {
	prepare?: boolean;
	[option: string]: unknown;
}

/** The parts of a postgres-js client (or a transaction's) that Drizzle calls to run statements. */
interface RunsStatements {
	unsafe(query: string, parameters?: unknown[], options?: UnsafeOptions): unknown;
}

/**
 * The postgres-js client with `policy` deciding `prepare` for every statement, including those of the
 * transactions it opens, which begin pipelined (`beginPipelined`). Everything else passes through unchanged.
 */
export function withPreparePolicy<Client extends object>(client: Client, policy: PreparePolicy): Client {
	return new Proxy(client, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			if (typeof value !== "function") return value;
			if (property === "unsafe") {
				const unsafe = value as RunsStatements["unsafe"];
				return (query: string, parameters?: unknown[], options?: UnsafeOptions) =>
					unsafe.call(target, query, parameters, {
						...options,
						prepare: policy.decide(query, options?.prepare === true),
					});
			}
			if (property === "begin") {
				return (...args: unknown[]) => {
					const [work] = args;
					if (args.length !== 1 || typeof work !== "function") {
						throw new TypeError("begin takes the transaction's function only (no options)");
					}
					return beginPipelined(
						target as unknown as ReservesConnections,
						(connection) => withPreparePolicy(connection, policy),
						work as (tx: object) => Promise<unknown>,
					);
				};
			}
			return value;
		},
	});
}
