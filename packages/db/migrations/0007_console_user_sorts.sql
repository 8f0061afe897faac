CREATE INDEX "users_org_user_name_sort_idx" ON "users" USING btree ("org_id",lower("user_name"),"id") WHERE not "users"."is_deleted";--> statement-breakpoint
CREATE INDEX "users_org_display_name_sort_idx" ON "users" USING btree ("org_id",coalesce(lower("display_name"), ''),"id") WHERE not "users"."is_deleted";--> statement-breakpoint
CREATE INDEX "users_org_tier_sort_idx" ON "users" USING btree ("org_id","access_tier","id") WHERE not "users"."is_deleted";--> statement-breakpoint
CREATE INDEX "users_org_updated_at_sort_idx" ON "users" USING btree ("org_id","updated_at","id") WHERE not "users"."is_deleted";--> statement-breakpoint
CREATE INDEX "users_org_active_sort_idx" ON "users" USING btree ("org_id","is_active","id") WHERE not "users"."is_deleted";