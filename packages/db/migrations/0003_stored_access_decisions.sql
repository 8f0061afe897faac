ALTER TABLE "organizations" ADD COLUMN "access_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "access_explanation" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "access_computed_at" timestamp with time zone;