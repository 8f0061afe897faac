import type { Database, Transaction } from "@roster/db";

/** Services run on the database or inside a caller's transaction, so one command stays atomic. */
export type Executor = Database | Transaction;
