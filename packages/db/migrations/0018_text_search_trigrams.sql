-- Substring searches over 100,000 users scanned the table twice a request (page and total): pg_trgm's GIN
-- operator class serves `lower(column) like '%…%'` and `like '…%'` (decision 0226). pg_trgm is a trusted
-- extension: a database owner may create it without superuser; PGlite loads its build (client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "users_text_trigram_idx" ON "users" USING gin (lower("user_name") gin_trgm_ops,lower("email") gin_trgm_ops,lower("display_name") gin_trgm_ops,lower("external_id") gin_trgm_ops) WITH (gin_pending_list_limit=512);
