ALTER TABLE "facilities" ADD COLUMN "change_version" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "occupancy_version" ADD COLUMN "structure" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "change_version" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE INDEX "facilities_change_version_idx" ON "facilities" USING btree ("change_version");
--> statement-breakpoint
CREATE INDEX "units_change_version_idx" ON "units" USING btree ("change_version");
--> statement-breakpoint
-- Written by hand (issue 27, "work per change"; SQLite: db/migrations/0014): the occupancy triggers of
-- 0004/0006 again, each now also stamping the unit or facility it changed with the occupancy version it
-- raised (`change_version`), so an instance holding the occupancy model at version v re-reads only the
-- rows with change_version > v; `occupancy_version.structure` rises when units or facilities are added
-- or removed or what orders them changes (then the model is read whole). The version is raised first and
-- its row stays locked to the commit, so versions follow the commit order of the changes that raise them:
-- a reader that sees version V committed sees every change stamped V or less.
CREATE OR REPLACE FUNCTION singgah_stays_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  IF TG_OP <> 'INSERT' THEN
    IF OLD.checked_out_at IS NULL THEN
      UPDATE units SET occupied = occupied - 1, change_version = v WHERE id = OLD.unit_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.checked_out_at IS NULL THEN
      UPDATE units SET occupied = occupied + 1, change_version = v WHERE id = NEW.unit_id;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_referrals_occupancy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE occupancy_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  IF TG_OP <> 'INSERT' THEN
    IF OLD.to_unit_id IS NOT NULL AND OLD.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') THEN
      UPDATE units SET held = held - OLD.places, change_version = v WHERE id = OLD.to_unit_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.to_unit_id IS NOT NULL AND NEW.status IN ('PROPOSED','ACCEPTED','IN_TRANSIT') THEN
      UPDATE units SET held = held + NEW.places, change_version = v WHERE id = NEW.to_unit_id;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A unit or facility changed: BEFORE the row is written, so the stamp rides in the same row version.
CREATE OR REPLACE FUNCTION singgah_units_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE occupancy_version SET version = version + 1,
    structure = structure + CASE WHEN TG_OP <> 'UPDATE' OR OLD.facility_id IS DISTINCT FROM NEW.facility_id OR OLD.name IS DISTINCT FROM NEW.name OR OLD.sort_order IS DISTINCT FROM NEW.sort_order THEN 1 ELSE 0 END
    WHERE id = 1 RETURNING version INTO v;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  NEW.change_version := v;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION singgah_facilities_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE occupancy_version SET version = version + 1,
    structure = structure + CASE WHEN TG_OP <> 'UPDATE' OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.name IS DISTINCT FROM NEW.name OR OLD.wilayah_code IS DISTINCT FROM NEW.wilayah_code THEN 1 ELSE 0 END
    WHERE id = 1 RETURNING version INTO v;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  NEW.change_version := v;
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "units_occupancy_aid" ON "units";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "units_occupancy_au" ON "units";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "facilities_occupancy_aid" ON "facilities";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "facilities_occupancy_au" ON "facilities";
--> statement-breakpoint
CREATE TRIGGER "units_occupancy_bid" BEFORE INSERT OR DELETE ON "units" FOR EACH ROW EXECUTE FUNCTION singgah_units_changed();
--> statement-breakpoint
CREATE TRIGGER "units_occupancy_bu" BEFORE UPDATE OF facility_id, name, capacity, blocked, admits, features, status, sort_order ON "units" FOR EACH ROW EXECUTE FUNCTION singgah_units_changed();
--> statement-breakpoint
CREATE TRIGGER "facilities_occupancy_bid" BEFORE INSERT OR DELETE ON "facilities" FOR EACH ROW EXECUTE FUNCTION singgah_facilities_changed();
--> statement-breakpoint
CREATE TRIGGER "facilities_occupancy_bu" BEFORE UPDATE OF code, kind, name, wilayah_code, status, protected, services, clusters, lat, lng ON "facilities" FOR EACH ROW EXECUTE FUNCTION singgah_facilities_changed();
