CREATE TABLE `case_follow_ups` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`due` text NOT NULL,
	`note` text,
	`stay_id` text,
	`created_at` text NOT NULL,
	`created_by` text,
	`done_at` text,
	`done_by` text,
	`outcome` text,
	`outcome_note` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`stay_id`) REFERENCES `stays`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_follow_ups_case_idx` ON `case_follow_ups` (`case_id`);--> statement-breakpoint
CREATE INDEX `case_follow_ups_open_idx` ON `case_follow_ups` (`due`) WHERE done_at is null;--> statement-breakpoint
CREATE TABLE `case_plan_items` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`menu` text NOT NULL,
	`service` text NOT NULL,
	`goal` text NOT NULL,
	`due` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_plan_items_case_idx` ON `case_plan_items` (`case_id`);--> statement-breakpoint
CREATE TABLE `case_services` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`menu` text NOT NULL,
	`service` text NOT NULL,
	`given_at` text NOT NULL,
	`given_by` text,
	`given_by_label` text NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_services_case_idx` ON `case_services` (`case_id`);--> statement-breakpoint
CREATE INDEX `case_services_given_idx` ON `case_services` (`given_at`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`pendamping_id` text,
	`assigned_at` text,
	`assigned_by` text,
	`needs` text,
	`wishes` text,
	`assessed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pendamping_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_person_uq` ON `cases` (`person_id`);--> statement-breakpoint
CREATE INDEX `cases_pendamping_idx` ON `cases` (`pendamping_id`);--> statement-breakpoint
CREATE TABLE `discharge_journeys` (
	`stay_id` text PRIMARY KEY NOT NULL,
	`destination_wilayah_code` text NOT NULL,
	`family_contact` text NOT NULL,
	`escort` text NOT NULL,
	`date` text NOT NULL,
	FOREIGN KEY (`stay_id`) REFERENCES `stays`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `dtks_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`proposed_at` text NOT NULL,
	`proposed_by` text,
	`note` text,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dtks_proposals_person_idx` ON `dtks_proposals` (`person_id`);--> statement-breakpoint
CREATE TABLE `person_clusters` (
	`person_id` text PRIMARY KEY NOT NULL,
	`cluster` text NOT NULL,
	`reason` text NOT NULL,
	`set_by` text,
	`set_at` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `users` ADD `cluster` text;