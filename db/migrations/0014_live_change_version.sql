ALTER TABLE `facilities` ADD `change_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `facilities_change_version_idx` ON `facilities` (`change_version`);--> statement-breakpoint
ALTER TABLE `occupancy_version` ADD `structure` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `units` ADD `change_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `units_change_version_idx` ON `units` (`change_version`);--> statement-breakpoint
-- Written by hand (issue 27, "work per change"): the triggers of 0006/0008 again, each now also stamping the
-- unit or facility it changed with the occupancy version it raised (`change_version`), so an instance
-- holding the occupancy model at version v re-reads only the rows with change_version > v; and
-- `occupancy_version.structure` rises when units or facilities are added or removed or what orders them
-- changes (then the model is read whole). The version is raised first, so the stamp is the new version.
-- Writes are serialised (BEGIN IMMEDIATE), so versions follow the commit order. PostgreSQL: db/migrations-pg/0012.
DROP TRIGGER IF EXISTS `stays_occupancy_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `stays_occupancy_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `stays_occupancy_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `referrals_occupancy_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `referrals_occupancy_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `referrals_occupancy_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `units_occupancy_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `units_occupancy_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `units_occupancy_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `facilities_occupancy_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `facilities_occupancy_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `facilities_occupancy_au`;
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_ai` AFTER INSERT ON `stays` WHEN new.checked_out_at IS NULL BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET occupied = occupied + 1, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.unit_id;
END;
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_ad` AFTER DELETE ON `stays` WHEN old.checked_out_at IS NULL BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET occupied = occupied - 1, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = old.unit_id;
END;
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_au` AFTER UPDATE OF unit_id, checked_out_at ON `stays`
WHEN (old.checked_out_at IS NULL) <> (new.checked_out_at IS NULL) OR (old.checked_out_at IS NULL AND old.unit_id IS NOT new.unit_id) BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET occupied = occupied - 1, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = old.unit_id AND old.checked_out_at IS NULL;
  UPDATE units SET occupied = occupied + 1, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.unit_id AND new.checked_out_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_ai` AFTER INSERT ON `referrals`
WHEN new.to_unit_id IS NOT NULL AND new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET held = held + new.places, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.to_unit_id;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_ad` AFTER DELETE ON `referrals`
WHEN old.to_unit_id IS NOT NULL AND old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET held = held - old.places, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = old.to_unit_id;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_au` AFTER UPDATE OF status, places, to_unit_id ON `referrals`
WHEN (old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') OR new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'))
  AND (old.status IS NOT new.status OR old.places IS NOT new.places OR old.to_unit_id IS NOT new.to_unit_id) BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  UPDATE units SET held = held - old.places, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = old.to_unit_id AND old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT');
  UPDATE units SET held = held + new.places, change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.to_unit_id AND new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT');
END;
--> statement-breakpoint
CREATE TRIGGER `units_occupancy_ai` AFTER INSERT ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1, structure = structure + 1 WHERE id = 1;
  UPDATE units SET change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `units_occupancy_ad` AFTER DELETE ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1, structure = structure + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `units_occupancy_au` AFTER UPDATE OF facility_id, name, capacity, blocked, admits, features, status, sort_order ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1,
    structure = structure + (old.facility_id IS NOT new.facility_id OR old.name IS NOT new.name OR old.sort_order IS NOT new.sort_order) WHERE id = 1;
  UPDATE units SET change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_ai` AFTER INSERT ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1, structure = structure + 1 WHERE id = 1;
  UPDATE facilities SET change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_ad` AFTER DELETE ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1, structure = structure + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_au` AFTER UPDATE OF code, kind, name, wilayah_code, status, protected, services, clusters, lat, lng ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1,
    structure = structure + (old.kind IS NOT new.kind OR old.name IS NOT new.name OR old.wilayah_code IS NOT new.wilayah_code) WHERE id = 1;
  UPDATE facilities SET change_version = (SELECT version FROM occupancy_version WHERE id = 1) WHERE id = new.id;
END;
