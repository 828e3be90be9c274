-- 0006_occupancy_counters was edited after it landed (services, clusters, lat, lng joined the
-- facilities_occupancy_au trigger); a database migrated before the edit kept the old trigger, so a change
-- to a facility's services did not raise the occupancy version. Recreated here, the same on every database.
DROP TRIGGER IF EXISTS `facilities_occupancy_au`;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_au` AFTER UPDATE OF code, kind, name, wilayah_code, status, protected, services, clusters, lat, lng ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
