-- Dead schema (decision 0143): group roles live in groups.attributes, so group_project_roles was never
-- read or written; nothing ever wrote sessions.last_seen_at.
DROP TABLE "group_project_roles" CASCADE;--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "last_seen_at";