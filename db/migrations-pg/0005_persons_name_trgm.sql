-- Name search without a table scan (issue 14): trigram indexes over the words as
-- written, lower-cased as the search compares them, beside the ones over the folded
-- key and the code (0001). SQLite: db/migrations/0007.
CREATE INDEX IF NOT EXISTS "persons_name_lower_trgm" ON "persons" USING gin (lower("name") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "persons_alias_lower_trgm" ON "persons" USING gin (lower("alias") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "persons_description_lower_trgm" ON "persons" USING gin (lower("description") gin_trgm_ops);
