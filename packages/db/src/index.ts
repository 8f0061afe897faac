export { createDatabase } from "./client.ts";
export { DatabaseError } from "./errors.ts";
export { migrate, migrationsFolder } from "./migrate.ts";
export { rows } from "./rows.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
export type { Database, DatabaseHandle, Transaction } from "./types.ts";
