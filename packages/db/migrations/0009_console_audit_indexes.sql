DROP INDEX "provisioning_log_org_occurred_at_idx";--> statement-breakpoint
CREATE INDEX "audit_events_org_action_idx" ON "audit_events" USING btree ("org_id","action","id");--> statement-breakpoint
CREATE INDEX "provisioning_log_org_occurred_at_id_idx" ON "provisioning_log" USING btree ("org_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);