-- Written by hand (PostgreSQL's side of the triggers in db/migrations/0006): occupancy counters (issue 14).
-- `units.occupied` (open stays) and `units.held` (places held by PROPOSED, ACCEPTED and IN_TRANSIT
-- referrals) are kept by these triggers in the transaction that moves people, so no code path can
-- forget them; `occupancy_version` (one row) rises with every change that can change occupancy.
-- Writers already take one advisory lock (src/db/postgres.ts), so the version row adds no contention.
INSERT INTO "occupancy_version" ("id", "version") VALUES (1, 1);
--> statement-breakpoint
UPDATE "units" SET
  "occupied" = (SELECT count(*) FROM "stays" s WHERE s.unit_id = units.id AND s.checked_out_at IS NULL),
  "held" = (SELECT coalesce(sum(r.places), 0) FROM "referrals" r WHERE r.to_unit_id = units.id AND r.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_occupancy_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_stays_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.checked_out_at IS NULL THEN
      UPDATE units SET occupied = occupied - 1 WHERE id = OLD.unit_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.checked_out_at IS NULL THEN
      UPDATE units SET occupied = occupied + 1 WHERE id = NEW.unit_id;
    END IF;
  END IF;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_referrals_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.to_unit_id IS NOT NULL AND OLD.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') THEN
      UPDATE units SET held = held - OLD.places WHERE id = OLD.to_unit_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.to_unit_id IS NOT NULL AND NEW.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') THEN
      UPDATE units SET held = held + NEW.places WHERE id = NEW.to_unit_id;
    END IF;
  END IF;
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "stays_occupancy_ai" AFTER INSERT ON "stays" FOR EACH ROW WHEN (NEW.checked_out_at IS NULL) EXECUTE FUNCTION singgah_stays_occupancy();
--> statement-breakpoint
CREATE TRIGGER "stays_occupancy_ad" AFTER DELETE ON "stays" FOR EACH ROW WHEN (OLD.checked_out_at IS NULL) EXECUTE FUNCTION singgah_stays_occupancy();
--> statement-breakpoint
CREATE TRIGGER "stays_occupancy_au" AFTER UPDATE OF unit_id, checked_out_at ON "stays" FOR EACH ROW
  WHEN ((OLD.checked_out_at IS NULL) <> (NEW.checked_out_at IS NULL) OR (OLD.checked_out_at IS NULL AND OLD.unit_id IS DISTINCT FROM NEW.unit_id))
  EXECUTE FUNCTION singgah_stays_occupancy();
--> statement-breakpoint
CREATE TRIGGER "referrals_occupancy_ai" AFTER INSERT ON "referrals" FOR EACH ROW
  WHEN (NEW.to_unit_id IS NOT NULL AND NEW.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'))
  EXECUTE FUNCTION singgah_referrals_occupancy();
--> statement-breakpoint
CREATE TRIGGER "referrals_occupancy_ad" AFTER DELETE ON "referrals" FOR EACH ROW
  WHEN (OLD.to_unit_id IS NOT NULL AND OLD.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'))
  EXECUTE FUNCTION singgah_referrals_occupancy();
--> statement-breakpoint
CREATE TRIGGER "referrals_occupancy_au" AFTER UPDATE OF status, places, to_unit_id ON "referrals" FOR EACH ROW
  WHEN ((OLD.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') OR NEW.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT'))
    AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.places IS DISTINCT FROM NEW.places OR OLD.to_unit_id IS DISTINCT FROM NEW.to_unit_id))
  EXECUTE FUNCTION singgah_referrals_occupancy();
--> statement-breakpoint
-- What a unit or facility is (its name, capacity, status, kind, area, protection) is part of the occupancy document.
CREATE TRIGGER "units_occupancy_aid" AFTER INSERT OR DELETE ON "units" FOR EACH ROW EXECUTE FUNCTION singgah_occupancy_bump();
--> statement-breakpoint
CREATE TRIGGER "units_occupancy_au" AFTER UPDATE OF facility_id, name, capacity, blocked, admits, features, status, sort_order ON "units" FOR EACH ROW EXECUTE FUNCTION singgah_occupancy_bump();
--> statement-breakpoint
CREATE TRIGGER "facilities_occupancy_aid" AFTER INSERT OR DELETE ON "facilities" FOR EACH ROW EXECUTE FUNCTION singgah_occupancy_bump();
--> statement-breakpoint
CREATE TRIGGER "facilities_occupancy_au" AFTER UPDATE OF code, kind, name, wilayah_code, status, protected, services, clusters, lat, lng ON "facilities" FOR EACH ROW EXECUTE FUNCTION singgah_occupancy_bump();
