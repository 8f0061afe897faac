/** A postgres-js connection reserved for one transaction: statements on it run in the order sent. */
interface ReservedConnection {
	unsafe(query: string): PendingStatement;
	release(): void;
}

/** A statement postgres-js runs lazily, when first awaited, or at once with `execute()`. */
interface PendingStatement extends PromiseLike<{ command: string }> {
	execute(): PromiseLike<{ command: string }>;
}

/** The part of a postgres-js client a transaction needs. */
export interface ReservesConnections {
	reserve(): Promise<ReservedConnection>;
}

/** A write whose statements a failed one aborted: PostgreSQL answered COMMIT by rolling back. */
export class TransactionAbortedError extends Error {
	constructor() {
		super("The transaction was rolled back: one of its statements failed");
		this.name = "TransactionAbortedError";
	}
}

/** What Drizzle's nested `tx.transaction()` calls on the transaction's client: a savepoint around `work`. */
type Savepoint = <T>(work: (tx: unknown) => Promise<T>) => Promise<T>;

/**
 * Settles `work`, which runs behind `opening` (BEGIN or SAVEPOINT, already queued on `connection`), then
 * sends `undo` when either failed: only once `work` has settled, so its statements, which are on this
 * connection, are all ahead of the undo.
 */
async function behind<T>(
	connection: ReservedConnection,
	opening: PromiseLike<unknown>,
	work: () => Promise<T>,
	undo: string,
): Promise<T> {
	const [opened, done] = await Promise.allSettled([opening, work()]);
	if (done.status === "rejected") return await undone(connection, undo, done.reason);
	if (opened.status === "rejected") return await undone(connection, undo, opened.reason);
	return done.value;
}

async function undone(connection: ReservedConnection, undo: string, reason: unknown): Promise<never> {
	await connection.unsafe(undo);
	throw reason;
}

/**
 * Runs `work` in a transaction on a reserved connection. postgres-js's own `begin` waits for BEGIN's
 * answer before the first statement goes out, a round trip of its own on every write; here BEGIN is
 * queued first (`execute()`, before `work` runs) and the first statements follow it in the same socket
 * write. BEGIN on an idle connection fails only when the connection does, and then so does everything
 * behind it. A failed statement aborts the transaction, so the ones after it fail too: `work` rejects
 * and the transaction is rolled back. A COMMIT that PostgreSQL turns into ROLLBACK (an error `work`
 * caught and went on from) is an error too, never a silent loss. Nested transactions are savepoints,
 * queued the same way (inside a transaction, a failed SAVEPOINT aborts it like any statement).
 */
export async function beginPipelined<T, Tx>(
	client: ReservesConnections,
	asTransaction: (connection: ReservedConnection & { savepoint: Savepoint }) => Tx,
	work: (tx: Tx) => Promise<T>,
): Promise<T> {
	const connection = await client.reserve();
	try {
		let savepoints = 0;
		const savepoint: Savepoint = (inner) => {
			const name = `s${savepoints++}`;
			const opening = connection.unsafe(`savepoint ${name}`).execute();
			return behind(connection, opening, () => inner(tx), `rollback to savepoint ${name}`);
		};
		const tx = asTransaction(Object.assign(connection, { savepoint }));
		const result = await behind(connection, connection.unsafe("begin").execute(), () => work(tx), "rollback");
		const ended = await connection.unsafe("commit");
		if (ended.command !== "COMMIT") throw new TransactionAbortedError();
		return result;
	} finally {
		connection.release();
	}
}
