import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations.ts";
import { createdAt, timestamptz, updatedAt } from "./timestamps.ts";

export const jobStatuses = ["queued", "running", "succeeded", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * A durable background job: claimed by one worker at a time (`for update skip locked`, held by a lease the
 * worker renews with every chunk), run chunk by chunk with its `checkpoint` written in the same transaction
 * as the chunk's effect, so a worker killed mid-job leaves a job another worker resumes where it stopped.
 * Organization jobs (`org_id` set) are shown to that organization only; system jobs have none.
 */
export const jobs = pgTable(
	"jobs",
	{
		id: uuid().primaryKey().defaultRandom(),
		orgId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
		kind: text().notNull(),
		status: text({ enum: jobStatuses }).notNull().default("queued"),
		/** What to do, as the enqueuer stated it; never a secret. */
		payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		/** Where the next chunk starts; null before the first. */
		checkpoint: jsonb().$type<Record<string, unknown>>(),
		done: integer().notNull().default(0),
		total: integer(),
		attempts: integer().notNull().default(0),
		maxAttempts: integer().notNull().default(5),
		/** A queued job is not claimed before this (retry backoff). */
		runAfter: timestamptz().notNull().defaultNow(),
		/** A running job whose lease passed is claimed again: its worker died. */
		leaseUntil: timestamptz(),
		lockedBy: text(),
		/** The last failure's one-line text. */
		error: text(),
		/** At most one queued or running job per key (scheduled jobs across replicas). */
		singletonKey: text(),
		createdBy: text(),
		createdAt: createdAt(),
		updatedAt: updatedAt(),
		startedAt: timestamptz(),
		finishedAt: timestamptz(),
	},
	(t) => [
		index("jobs_claimable_idx").on(t.status, t.runAfter),
		index("jobs_org_created_idx").on(t.orgId, t.createdAt),
		uniqueIndex("jobs_singleton_key_idx").on(t.singletonKey).where(sql`${t.status} in ('queued', 'running')`),
		check("jobs_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
	],
);

export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
