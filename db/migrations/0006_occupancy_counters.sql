CREATE TABLE `occupancy_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `units` ADD `occupied` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `units` ADD `held` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Occupancy counters (issue 14), written by hand: `units.occupied` (open stays) and `units.held`
-- (places held by PROPOSED, ACCEPTED and IN_TRANSIT referrals) are kept by these triggers in the
-- transaction that moves people, so no code path can forget them; `occupancy_version` (one row)
-- rises with every change that can change occupancy. PostgreSQL: db/migrations-pg/0004.
INSERT INTO `occupancy_version` (`id`, `version`) VALUES (1, 1);
--> statement-breakpoint
UPDATE `units` SET
  `occupied` = (SELECT count(*) FROM `stays` s WHERE s.unit_id = units.id AND s.checked_out_at IS NULL),
  `held` = (SELECT coalesce(sum(r.places), 0) FROM `referrals` r WHERE r.to_unit_id = units.id AND r.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'));
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_ai` AFTER INSERT ON `stays` WHEN new.checked_out_at IS NULL BEGIN
  UPDATE units SET occupied = occupied + 1 WHERE id = new.unit_id;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_ad` AFTER DELETE ON `stays` WHEN old.checked_out_at IS NULL BEGIN
  UPDATE units SET occupied = occupied - 1 WHERE id = old.unit_id;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `stays_occupancy_au` AFTER UPDATE OF unit_id, checked_out_at ON `stays`
WHEN (old.checked_out_at IS NULL) <> (new.checked_out_at IS NULL) OR (old.checked_out_at IS NULL AND old.unit_id IS NOT new.unit_id) BEGIN
  UPDATE units SET occupied = occupied - 1 WHERE id = old.unit_id AND old.checked_out_at IS NULL;
  UPDATE units SET occupied = occupied + 1 WHERE id = new.unit_id AND new.checked_out_at IS NULL;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_ai` AFTER INSERT ON `referrals`
WHEN new.to_unit_id IS NOT NULL AND new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') BEGIN
  UPDATE units SET held = held + new.places WHERE id = new.to_unit_id;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_ad` AFTER DELETE ON `referrals`
WHEN old.to_unit_id IS NOT NULL AND old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') BEGIN
  UPDATE units SET held = held - old.places WHERE id = old.to_unit_id;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `referrals_occupancy_au` AFTER UPDATE OF status, places, to_unit_id ON `referrals`
WHEN (old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') OR new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'))
  AND (old.status IS NOT new.status OR old.places IS NOT new.places OR old.to_unit_id IS NOT new.to_unit_id) BEGIN
  UPDATE units SET held = held - old.places WHERE id = old.to_unit_id AND old.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT');
  UPDATE units SET held = held + new.places WHERE id = new.to_unit_id AND new.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT');
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
-- What a unit or facility is (its name, capacity, status, kind, area, protection) is part of the occupancy document;
-- its services, clusters and place are part of what routing reads from the same per-version cache.
CREATE TRIGGER `units_occupancy_ai` AFTER INSERT ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `units_occupancy_ad` AFTER DELETE ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `units_occupancy_au` AFTER UPDATE OF facility_id, name, capacity, blocked, admits, features, status, sort_order ON `units` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_ai` AFTER INSERT ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_ad` AFTER DELETE ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `facilities_occupancy_au` AFTER UPDATE OF code, kind, name, wilayah_code, status, protected, services, clusters, lat, lng ON `facilities` BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
END;
