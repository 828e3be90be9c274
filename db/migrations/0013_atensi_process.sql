CREATE TABLE `case_outside_referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`service` text NOT NULL,
	`to_name` text NOT NULL,
	`wilayah_code` text,
	`reason` text NOT NULL,
	`status` text DEFAULT 'sent' NOT NULL,
	`referred_at` text NOT NULL,
	`referred_by` text,
	`answer` text,
	`answered_at` text,
	`answered_by` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_outside_referrals_case_idx` ON `case_outside_referrals` (`case_id`);--> statement-breakpoint
CREATE TABLE `case_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`from_pendamping_id` text,
	`to_pendamping_id` text NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'requested' NOT NULL,
	`requested_at` text NOT NULL,
	`requested_by` text,
	`answered_at` text,
	`answered_by` text,
	`answer_note` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_pendamping_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_pendamping_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_transfers_case_idx` ON `case_transfers` (`case_id`);--> statement-breakpoint
CREATE INDEX `case_transfers_to_idx` ON `case_transfers` (`to_pendamping_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `case_transfers_open_uq` ON `case_transfers` (`case_id`) WHERE status = 'requested';--> statement-breakpoint
CREATE TABLE `family_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`kk` text NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	`created_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `family_cases_kk_uq` ON `family_cases` (`kk`);--> statement-breakpoint
ALTER TABLE `case_follow_ups` ADD `owner_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `case_follow_ups` ADD `owner_contact` text;--> statement-breakpoint
CREATE INDEX `case_follow_ups_owner_idx` ON `case_follow_ups` (`owner_id`);--> statement-breakpoint
ALTER TABLE `case_plan_items` ADD `note` text;--> statement-breakpoint
ALTER TABLE `case_plan_items` ADD `status` text DEFAULT 'planned' NOT NULL;--> statement-breakpoint
ALTER TABLE `case_plan_items` ADD `status_at` text;--> statement-breakpoint
ALTER TABLE `case_plan_items` ADD `status_by` text;--> statement-breakpoint
ALTER TABLE `case_plan_items` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `case_services` ADD `plan_item_id` text REFERENCES case_plan_items(id);--> statement-breakpoint
ALTER TABLE `cases` ADD `family_case_id` text REFERENCES family_cases(id);--> statement-breakpoint
ALTER TABLE `cases` ADD `evaluation` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `evaluated_at` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `evaluated_by` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `closed_at` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `closed_by` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `close_outcome` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `close_note` text;--> statement-breakpoint
CREATE INDEX `cases_family_idx` ON `cases` (`family_case_id`);--> statement-breakpoint
-- ATENSI as a process (issue 26): a service is a code of the catalogue now. What was typed as
-- the service is kept word for word as the note (before any note it had, on its own line), and the
-- code is the menu's "other" (`<menu>_lainnya`), which a pendamping can refine later.
UPDATE case_services SET note = CASE WHEN note IS NULL OR note = '' THEN service ELSE service || char(10) || note END, service = menu || '_lainnya';
--> statement-breakpoint
-- A plan item already worked on (a service of its menu given on or after it was planned) is in
-- progress; every other one is planned. None is taken as done: only the pendamping says so.
UPDATE case_plan_items SET note = service, service = menu || '_lainnya', status = CASE WHEN EXISTS (
  SELECT 1 FROM case_services s WHERE s.case_id = case_plan_items.case_id AND s.menu = case_plan_items.menu AND s.given_at >= case_plan_items.created_at
) THEN 'in_progress' ELSE 'planned' END;
