-- Substring searches over 100,000 users scanned the table twice a request (page and total). pg_trgm's GIN
-- operator class serves `like '%…%'` and `like '…%'`; the index lives on a side table that a trigger keeps,
-- because an index on `users` itself would take new trigrams on every tier or status update (decision 0226).
-- pg_trgm is a trusted extension: a database owner may create it without superuser; PGlite loads its build.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "user_search" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"user_name" text NOT NULL,
	"email" text,
	"display_name" text,
	"external_id" text
);
--> statement-breakpoint
ALTER TABLE "user_search" ADD CONSTRAINT "user_search_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_search_trigram_idx" ON "user_search" USING gin ("user_name" gin_trgm_ops,"email" gin_trgm_ops,"display_name" gin_trgm_ops,"external_id" gin_trgm_ops) WITH (gin_pending_list_limit=512);--> statement-breakpoint
CREATE FUNCTION "users_search_text"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "user_search" ("user_id", "user_name", "email", "display_name", "external_id")
	VALUES (NEW."id", lower(NEW."user_name"), lower(NEW."email"), lower(NEW."display_name"), lower(NEW."external_id"))
	ON CONFLICT ("user_id") DO UPDATE SET
		"user_name" = EXCLUDED."user_name",
		"email" = EXCLUDED."email",
		"display_name" = EXCLUDED."display_name",
		"external_id" = EXCLUDED."external_id";
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_search_text_inserted" AFTER INSERT ON "users"
	FOR EACH ROW EXECUTE FUNCTION "users_search_text"();--> statement-breakpoint
-- The WHEN clause is evaluated without calling the function: updates of other columns cost nothing here.
CREATE TRIGGER "users_search_text_changed" AFTER UPDATE ON "users"
	FOR EACH ROW WHEN (
		OLD."user_name" IS DISTINCT FROM NEW."user_name" OR OLD."email" IS DISTINCT FROM NEW."email"
		OR OLD."display_name" IS DISTINCT FROM NEW."display_name" OR OLD."external_id" IS DISTINCT FROM NEW."external_id"
	) EXECUTE FUNCTION "users_search_text"();--> statement-breakpoint
INSERT INTO "user_search" ("user_id", "user_name", "email", "display_name", "external_id")
	SELECT "id", lower("user_name"), lower("email"), lower("display_name"), lower("external_id") FROM "users";
