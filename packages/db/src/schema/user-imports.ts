import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { jobs } from "./jobs.ts";

export const importRowOutcomes = ["created", "updated", "unchanged", "error"] as const;
export type ImportRowOutcome = (typeof importRowOutcomes)[number];

/**
 * One row of a user import, stored with the job that applies it (never in the job's payload, which the
 * queue reads on every chunk). `outcome` is written in the chunk's transaction with the job's checkpoint,
 * so a replayed chunk finds its applied rows done and applies nothing twice; the rows are the result the
 * console and the CLI show.
 */
export const userImportRows = pgTable(
	"user_import_rows",
	{
		jobId: uuid()
			.notNull()
			.references(() => jobs.id, { onDelete: "cascade" }),
		/** The row's place in the file, from 1 (CSV: the line after the header). */
		rowNumber: integer().notNull(),
		/** The row as a SCIM User resource. */
		resource: jsonb().$type<Record<string, unknown>>().notNull(),
		userName: text().notNull(),
		/** Null until the row is applied. */
		outcome: text({ enum: importRowOutcomes }),
		userId: uuid(),
		error: text(),
	},
	(t) => [
		primaryKey({ columns: [t.jobId, t.rowNumber] }),
		check(
			"user_import_rows_outcome_check",
			sql`${t.outcome} is null or ${t.outcome} in ('created', 'updated', 'unchanged', 'error')`,
		),
	],
);

export type UserImportRow = typeof userImportRows.$inferSelect;
