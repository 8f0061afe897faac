-- Every event sealed before this migration was chained with unkeyed sha256: key version 0. Adding the
-- column with DEFAULT 0 marks them without rewriting the table; the few not yet sealed go back to NULL.
ALTER TABLE "audit_events" ADD COLUMN "chain_key_version" smallint DEFAULT 0;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "chain_key_version" DROP DEFAULT;--> statement-breakpoint
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."hash" is null;--> statement-breakpoint
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only_rows";--> statement-breakpoint
UPDATE "audit_events" SET "chain_key_version" = NULL WHERE "hash" IS NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only_rows";--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chain_key_version_check" CHECK (("audit_events"."hash" is null) = ("audit_events"."chain_key_version" is null));
