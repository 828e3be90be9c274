-- Written by hand (PostgreSQL's side of db/migrations/0001): what the derived schema cannot say.
-- Trigram search over the folded name key and the resident code (SQLite: the persons_fts FTS5 table).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "persons_search_key_trgm" ON "persons" USING gin ("search_key" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "persons_resident_code_trgm" ON "persons" USING gin ("resident_code" gin_trgm_ops);
--> statement-breakpoint
-- SQLite's json_extract for the one-level paths the queries use ('$.facility_id'): one query text serves both engines.
CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (doc::jsonb) #>> string_to_array(substr(path, 3), '.')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;
--> statement-breakpoint
-- The audit log is append-only: the database itself refuses to change or remove an event.
CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION singgah_refuse('audit_events is append-only');
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_delete" BEFORE DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION singgah_refuse('audit_events is append-only');
--> statement-breakpoint
-- Nobody deletes a person from a handoff: they are accounted for instead.
CREATE TRIGGER "handoff_persons_no_delete" BEFORE DELETE ON "handoff_persons" FOR EACH ROW EXECUTE FUNCTION singgah_refuse('handoff persons are accounted for, never deleted');
--> statement-breakpoint
-- SQLite gives an INTEGER PRIMARY KEY its next value when the insert names it NULL (the one query text does so).
CREATE OR REPLACE FUNCTION singgah_fill_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS NULL THEN
    NEW.id := nextval(TG_ARGV[0]::regclass);
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_fill_id" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION singgah_fill_id('audit_events_id_seq');
--> statement-breakpoint
CREATE TRIGGER "unit_changes_fill_id" BEFORE INSERT ON "unit_changes" FOR EACH ROW EXECUTE FUNCTION singgah_fill_id('unit_changes_id_seq');
