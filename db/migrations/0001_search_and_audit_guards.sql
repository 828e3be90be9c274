-- Trigram full-text index over the normalised name/alias key and the resident code.
-- External content: the text lives in persons; triggers keep the index in step.
CREATE VIRTUAL TABLE `persons_fts` USING fts5(search_key, resident_code, content='persons', content_rowid='rowid', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `persons_fts_ai` AFTER INSERT ON `persons` BEGIN
  INSERT INTO persons_fts(rowid, search_key, resident_code) VALUES (new.rowid, new.search_key, new.resident_code);
END;
--> statement-breakpoint
CREATE TRIGGER `persons_fts_ad` AFTER DELETE ON `persons` BEGIN
  INSERT INTO persons_fts(persons_fts, rowid, search_key, resident_code) VALUES ('delete', old.rowid, old.search_key, old.resident_code);
END;
--> statement-breakpoint
CREATE TRIGGER `persons_fts_au` AFTER UPDATE OF search_key, resident_code ON `persons` BEGIN
  INSERT INTO persons_fts(persons_fts, rowid, search_key, resident_code) VALUES ('delete', old.rowid, old.search_key, old.resident_code);
  INSERT INTO persons_fts(rowid, search_key, resident_code) VALUES (new.rowid, new.search_key, new.resident_code);
END;
--> statement-breakpoint
-- The audit log is append-only: the database itself refuses to change or remove an event.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events` BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events` BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- Nobody deletes a person from a handoff: they are accounted for instead.
CREATE TRIGGER `handoff_persons_no_delete` BEFORE DELETE ON `handoff_persons` BEGIN
  SELECT RAISE(ABORT, 'handoff persons are accounted for, never deleted');
END;
