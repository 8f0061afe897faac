DROP INDEX "users_org_user_name_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "users_org_user_name_unique" ON "users" USING btree ("org_id",lower("user_name")) WHERE not "users"."is_deleted";