export { createDatabase, observeStatements, withTimeout } from "./client.ts";
export { DatabaseError } from "./errors.ts";
export { migrate, migrationsFolder } from "./migrate.ts";
export {
	type ChangeFeed,
	type ChangeSubscriber,
	CREDENTIALS_CHANNEL,
	changeFeed,
	EVERY_ORGANIZATION,
	notifiedOrganization,
} from "./notifications.ts";
export { isDataException, isUniqueViolation, pgError, violatedUniqueConstraint } from "./pg-errors.ts";
export { MAX_PREPARED_TEXTS, PreparePolicy, preparedRead, type StatementObserver } from "./prepared.ts";
export { type ReusableStatement, reusableStatement } from "./reusable.ts";
export { rows } from "./rows.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
export { intArray, uuidArray } from "./sql-arrays.ts";
export type { Database, DatabaseHandle, Executor, Transaction } from "./types.ts";
