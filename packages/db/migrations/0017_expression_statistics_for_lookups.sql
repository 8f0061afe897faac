-- userName lookups compare lower(user_name), which only partial indexes (WHERE not is_deleted) cover, and
-- the planner ignores the expression statistics of partial indexes: it guessed 0.5 % of the rows match, a
-- guess that grows with the table's dead rows, until a bulk recompute made it walk (org_id, created_at)
-- for a 400 ms lookup instead of the unique index (decision 0225). Statistics on the expression itself
-- tell it each value is distinct.
CREATE STATISTICS IF NOT EXISTS "users_lower_user_name_stats" ON (lower("user_name")) FROM "users";--> statement-breakpoint
ANALYZE "users";
