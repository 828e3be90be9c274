ALTER TABLE `persons` ADD `pregnancy_due_date` text;--> statement-breakpoint
ALTER TABLE `persons` ADD `birth_weight_grams` integer;
--> statement-breakpoint
-- The single `disability` service becomes the typed ones, read from the facility's own name:
-- Bina Daksa → physical; Netra, Rungu, Wicara → sensory; Grahita → intellectual; Laras → mental.
-- A facility whose name names none of them gets all four (it served every type before and keeps
-- doing so until an administrator narrows it): nobody it took is turned away by the upgrade.
UPDATE facilities SET services = replace(services, '"disability"', CASE
  WHEN NOT (lower(name) LIKE '%daksa%' OR lower(name) LIKE '%netra%' OR lower(name) LIKE '%rungu%' OR lower(name) LIKE '%wicara%' OR lower(name) LIKE '%grahita%' OR lower(name) LIKE '%laras%')
    THEN '"disability_physical","disability_sensory","disability_intellectual","disability_mental"'
  ELSE substr(
    (CASE WHEN lower(name) LIKE '%daksa%' THEN ',"disability_physical"' ELSE '' END) ||
    (CASE WHEN lower(name) LIKE '%netra%' OR lower(name) LIKE '%rungu%' OR lower(name) LIKE '%wicara%' THEN ',"disability_sensory"' ELSE '' END) ||
    (CASE WHEN lower(name) LIKE '%grahita%' THEN ',"disability_intellectual"' ELSE '' END) ||
    (CASE WHEN lower(name) LIKE '%laras%' THEN ',"disability_mental"' ELSE '' END), 2)
END)
WHERE services LIKE '%"disability"%';
