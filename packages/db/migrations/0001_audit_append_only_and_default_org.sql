CREATE FUNCTION "audit_events_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF OLD.prev_hash IS NULL
			AND OLD.hash IS NULL
			AND NEW.hash IS NOT NULL
			AND (to_jsonb(NEW) - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'prev_hash' - 'hash')
		THEN
			RETURN NEW;
		END IF;
	END IF;
	RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
		USING ERRCODE = 'restrict_violation',
			HINT = 'Only the one-time sealing UPDATE that sets prev_hash and hash is permitted.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only_rows"
	BEFORE UPDATE OR DELETE ON "audit_events"
	FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only_truncate"
	BEFORE TRUNCATE ON "audit_events"
	FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
--> statement-breakpoint
INSERT INTO "organizations" ("slug", "name") VALUES ('default', 'Default') ON CONFLICT ("slug") DO NOTHING;
