CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF OLD.prev_hash IS NULL
			AND OLD.hash IS NULL
			AND NEW.hash IS NOT NULL
			AND (to_jsonb(NEW) - 'prev_hash' - 'hash' - 'chain_key_version')
				= (to_jsonb(OLD) - 'prev_hash' - 'hash' - 'chain_key_version')
		THEN
			RETURN NEW;
		END IF;
	END IF;
	RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
		USING ERRCODE = 'restrict_violation',
			HINT = 'Only the one-time sealing UPDATE that sets prev_hash, hash and chain_key_version is permitted.';
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "audit_events_insert_unsealed"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	allocated bigint;
BEGIN
	IF NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.chain_key_version IS NOT NULL THEN
		RAISE EXCEPTION 'audit_events: an event must be inserted unsealed'
			USING ERRCODE = 'restrict_violation',
				HINT = 'prev_hash, hash and chain_key_version are set by the sealer only.';
	END IF;
	BEGIN
		allocated := currval('"audit_events_id_seq"');
	EXCEPTION WHEN object_not_in_prerequisite_state THEN
		allocated := NULL;
	END;
	IF NEW.id IS DISTINCT FROM allocated THEN
		RAISE EXCEPTION 'audit_events: an explicit id is not allowed'
			USING ERRCODE = 'restrict_violation',
				HINT = 'Event ids come from the identity sequence (no OVERRIDING SYSTEM VALUE, no id in COPY).';
	END IF;
	RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_insert_unsealed"
	BEFORE INSERT ON "audit_events"
	FOR EACH ROW EXECUTE FUNCTION "audit_events_insert_unsealed"();
--> statement-breakpoint
-- Each chain sealed with unkeyed sha256 (key version 0) gets one event that the keyed sealer links to
-- its head, so from the first seal after this migration on its legacy links can no longer be rebuilt
-- without the key (docs/decisions/0094).
INSERT INTO "audit_events" ("org_id", "actor_type", "actor_name", "action", "entity_type", "metadata")
SELECT DISTINCT ON ("org_id") "org_id", 'system', 'roster', 'AUDIT_CHAIN_KEYED', 'AuditChain',
	jsonb_build_object('keyVersion', 1, 'legacyHead', "hash")
FROM "audit_events"
WHERE "hash" IS NOT NULL
ORDER BY "org_id", "id" DESC;
