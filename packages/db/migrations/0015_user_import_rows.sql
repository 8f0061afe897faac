CREATE TABLE "user_import_rows" (
	"job_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"resource" jsonb NOT NULL,
	"user_name" text NOT NULL,
	"outcome" text,
	"user_id" uuid,
	"error" text,
	CONSTRAINT "user_import_rows_job_id_row_number_pk" PRIMARY KEY("job_id","row_number"),
	CONSTRAINT "user_import_rows_outcome_check" CHECK ("user_import_rows"."outcome" is null or "user_import_rows"."outcome" in ('created', 'updated', 'unchanged', 'error'))
);
--> statement-breakpoint
ALTER TABLE "user_import_rows" ADD CONSTRAINT "user_import_rows_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;