-- Every write to what a cached credential carries (the token or app key, its connection, its organization)
-- announces the organization on channel roster_credentials, from whichever process wrote it: servers drop
-- their cached credentials of that organization (decision 0194). Row-level, so the payload can name the
-- organization and the UPDATE trigger on scim_tokens can skip the last-use writes; PostgreSQL folds
-- identical notifications of one transaction into one, so a bulk revoke still sends one per organization.
-- The payload is "<organization id> <transaction id>" ("*" for every organization), so a listener can
-- tell a second delivery of the same notification from a new one.
-- The writing session LISTENs too (from its commit on), so it gets its own notification before its COMMIT
-- returns: a server drops its cached credentials before its own write is acknowledged, with no window.
CREATE FUNCTION "roster_notify_credentials"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	org_column text := TG_ARGV[0];
BEGIN
	EXECUTE 'LISTEN roster_credentials';
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM pg_notify('roster_credentials', '* ' || txid_current());
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM pg_notify('roster_credentials', (to_jsonb(OLD) ->> org_column) || ' ' || txid_current());
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM pg_notify('roster_credentials', (to_jsonb(NEW) ->> org_column) || ' ' || txid_current());
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "organizations_notify_credentials" AFTER INSERT OR UPDATE OR DELETE ON "organizations"
	FOR EACH ROW EXECUTE FUNCTION "roster_notify_credentials"('id');
--> statement-breakpoint
CREATE TRIGGER "organizations_notify_credentials_truncate" AFTER TRUNCATE ON "organizations"
	FOR EACH STATEMENT EXECUTE FUNCTION "roster_notify_credentials"('id');
--> statement-breakpoint
CREATE TRIGGER "scim_connections_notify_credentials" AFTER INSERT OR UPDATE OR DELETE ON "scim_connections"
	FOR EACH ROW EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "scim_connections_notify_credentials_truncate" AFTER TRUNCATE ON "scim_connections"
	FOR EACH STATEMENT EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "scim_tokens_notify_credentials" AFTER INSERT OR DELETE ON "scim_tokens"
	FOR EACH ROW EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "scim_tokens_notify_credentials_update" AFTER UPDATE ON "scim_tokens"
	FOR EACH ROW
	WHEN ((to_jsonb(OLD) - 'last_used_at' - 'last_used_ip') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at' - 'last_used_ip'))
	EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "scim_tokens_notify_credentials_truncate" AFTER TRUNCATE ON "scim_tokens"
	FOR EACH STATEMENT EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "app_keys_notify_credentials" AFTER INSERT OR UPDATE OR DELETE ON "app_keys"
	FOR EACH ROW EXECUTE FUNCTION "roster_notify_credentials"('org_id');
--> statement-breakpoint
CREATE TRIGGER "app_keys_notify_credentials_truncate" AFTER TRUNCATE ON "app_keys"
	FOR EACH STATEMENT EXECUTE FUNCTION "roster_notify_credentials"('org_id');
