-- Name search without a table scan (issue 14): the words as written (name, alias,
-- description) join the folded key and the resident code in persons_fts, so that
-- "contains what was typed" is answered by the trigram index (FTS5 trigram serves
-- LIKE '%…%' on its columns, case-insensitively) instead of lower(name) LIKE over
-- every person. PostgreSQL: db/migrations-pg/0005.
DROP TRIGGER IF EXISTS `persons_fts_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `persons_fts_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `persons_fts_au`;
--> statement-breakpoint
DROP TABLE IF EXISTS `persons_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `persons_fts` USING fts5(search_key, resident_code, name, alias, description, content='persons', content_rowid='rowid', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `persons_fts`(`persons_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `persons_fts_ai` AFTER INSERT ON `persons` BEGIN
  INSERT INTO persons_fts(rowid, search_key, resident_code, name, alias, description) VALUES (new.rowid, new.search_key, new.resident_code, new.name, new.alias, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `persons_fts_ad` AFTER DELETE ON `persons` BEGIN
  INSERT INTO persons_fts(persons_fts, rowid, search_key, resident_code, name, alias, description) VALUES ('delete', old.rowid, old.search_key, old.resident_code, old.name, old.alias, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `persons_fts_au` AFTER UPDATE OF search_key, resident_code, name, alias, description ON `persons` BEGIN
  INSERT INTO persons_fts(persons_fts, rowid, search_key, resident_code, name, alias, description) VALUES ('delete', old.rowid, old.search_key, old.resident_code, old.name, old.alias, old.description);
  INSERT INTO persons_fts(rowid, search_key, resident_code, name, alias, description) VALUES (new.rowid, new.search_key, new.resident_code, new.name, new.alias, new.description);
END;
