CREATE TABLE `wilayah` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`province_code` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `wilayah_province_idx` ON `wilayah` (`province_code`);--> statement-breakpoint
CREATE TABLE `facilities` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`wilayah_code` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`lat` real,
	`lng` real,
	`contact_name` text DEFAULT '' NOT NULL,
	`contact_phone` text DEFAULT '' NOT NULL,
	`operator` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'STANDBY' NOT NULL,
	`status_changed_at` text,
	`status_changed_by` text,
	`services` text DEFAULT '[]' NOT NULL,
	`clusters` text DEFAULT '[]' NOT NULL,
	`protected` integer DEFAULT false NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`wilayah_code`) REFERENCES `wilayah`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `facilities_code_unique` ON `facilities` (`code`);--> statement-breakpoint
CREATE INDEX `facilities_wilayah_idx` ON `facilities` (`wilayah_code`);--> statement-breakpoint
CREATE INDEX `facilities_kind_idx` ON `facilities` (`kind`);--> statement-breakpoint
CREATE TABLE `unit_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` text NOT NULL,
	`at` text NOT NULL,
	`by_user_id` text,
	`field` text NOT NULL,
	`from_value` text,
	`to_value` text,
	`reason` text,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `unit_changes_unit_idx` ON `unit_changes` (`unit_id`,`at`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`facility_id` text NOT NULL,
	`name` text NOT NULL,
	`capacity` integer NOT NULL,
	`blocked` integer DEFAULT 0 NOT NULL,
	`block_reason` text,
	`admits` text DEFAULT 'any' NOT NULL,
	`features` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'AVAILABLE' NOT NULL,
	`status_reason` text,
	`bed_label_pattern` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `units_facility_idx` ON `units` (`facility_id`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text,
	`note` text
);
--> statement-breakpoint
CREATE TABLE `persons` (
	`id` text PRIMARY KEY NOT NULL,
	`resident_code` text NOT NULL,
	`name` text,
	`description` text,
	`alias` text,
	`search_key` text DEFAULT '' NOT NULL,
	`nik` text,
	`kk` text,
	`sex` text NOT NULL,
	`birth_date` text,
	`estimated_age` integer,
	`estimated_at` text,
	`ktp_address` text,
	`domicile_address` text,
	`origin_wilayah_code` text,
	`phone` text,
	`category` text,
	`pregnant` integer DEFAULT false NOT NULL,
	`pregnancy_weeks` integer,
	`disabilities` text DEFAULT '[]' NOT NULL,
	`wheelchair` integer DEFAULT false NOT NULL,
	`chronic_illness` text,
	`needs_medical` integer DEFAULT false NOT NULL,
	`unaccompanied_child` integer DEFAULT false NOT NULL,
	`trafficking_victim` integer DEFAULT false NOT NULL,
	`dtks` text DEFAULT 'unknown' NOT NULL,
	`pkh` text DEFAULT 'unknown' NOT NULL,
	`bpnt` text DEFAULT 'unknown' NOT NULL,
	`consent` integer DEFAULT false NOT NULL,
	`consent_at` text,
	`nik_override_reason` text,
	`household_id` text,
	`source` text DEFAULT 'walk_in' NOT NULL,
	`merged_into_id` text,
	`anonymised_at` text,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text,
	`created_at_facility_id` text,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_into_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `persons_resident_code_unique` ON `persons` (`resident_code`);--> statement-breakpoint
CREATE INDEX `persons_household_idx` ON `persons` (`household_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `persons_nik_live_uq` ON `persons` (`nik`) WHERE nik is not null and merged_into_id is null;--> statement-breakpoint
CREATE TABLE `stays` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`household_id` text,
	`facility_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`bed_label` text,
	`checked_in_at` text NOT NULL,
	`checked_in_by` text,
	`checked_out_at` text,
	`checked_out_by` text,
	`outcome` text,
	`destination` text,
	`note` text,
	`overflow` integer DEFAULT false NOT NULL,
	`overflow_reason` text,
	`split_reason` text,
	`previous_stay_id` text,
	`referral_id` text,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stays_one_open_per_person_uq` ON `stays` (`person_id`) WHERE checked_out_at is null;--> statement-breakpoint
CREATE INDEX `stays_open_by_unit_idx` ON `stays` (`unit_id`) WHERE checked_out_at is null;--> statement-breakpoint
CREATE INDEX `stays_facility_in_idx` ON `stays` (`facility_id`,`checked_in_at`);--> statement-breakpoint
CREATE INDEX `stays_person_idx` ON `stays` (`person_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `stays_open_bed_uq` ON `stays` (`unit_id`,`bed_label`) WHERE checked_out_at is null and bed_label is not null;--> statement-breakpoint
CREATE TABLE `referral_persons` (
	`referral_id` text NOT NULL,
	`person_id` text NOT NULL,
	`open` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`referral_id`, `person_id`),
	FOREIGN KEY (`referral_id`) REFERENCES `referrals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referral_persons_one_open_uq` ON `referral_persons` (`person_id`) WHERE open = 1;--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` text,
	`from_facility_id` text,
	`to_facility_id` text NOT NULL,
	`to_unit_id` text,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`places` integer NOT NULL,
	`proposed_at` text NOT NULL,
	`proposed_by` text,
	`decided_at` text,
	`decided_by` text,
	`refuse_reason` text,
	`departed_at` text,
	`arrived_at` text,
	`closed_at` text,
	`closed_by` text,
	`expires_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `referrals_to_status_idx` ON `referrals` (`to_facility_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_from_status_idx` ON `referrals` (`from_facility_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_open_unit_idx` ON `referrals` (`to_unit_id`) WHERE status in ('PROPOSED','ACCEPTED','IN_TRANSIT');--> statement-breakpoint
CREATE TABLE `handoff_persons` (
	`id` text PRIMARY KEY NOT NULL,
	`handoff_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text,
	`description` text,
	`sex` text NOT NULL,
	`approx_age` integer,
	`needs` text DEFAULT '[]' NOT NULL,
	`belongings` text DEFAULT '' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'PENDING' NOT NULL,
	`person_id` text,
	`not_received_reason` text,
	`accounted_at` text,
	`accounted_by` text,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoff_persons_seq_uq` ON `handoff_persons` (`handoff_id`,`seq`);--> statement-breakpoint
CREATE INDEX `handoff_persons_person_idx` ON `handoff_persons` (`person_id`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`operation_number` text NOT NULL,
	`operation_at` text NOT NULL,
	`place` text NOT NULL,
	`wilayah_code` text NOT NULL,
	`team` text DEFAULT '' NOT NULL,
	`leader_name` text NOT NULL,
	`leader_nip` text DEFAULT '' NOT NULL,
	`facility_id` text NOT NULL,
	`status` text DEFAULT 'OPEN' NOT NULL,
	`submitted_by` text,
	`submitted_by_token` text,
	`receiving_officer_name` text,
	`receiving_officer_id` text,
	`created_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`wilayah_code`) REFERENCES `wilayah`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_number_unique` ON `handoffs` (`number`);--> statement-breakpoint
CREATE INDEX `handoffs_facility_status_idx` ON `handoffs` (`facility_id`,`status`);--> statement-breakpoint
CREATE INDEX `handoffs_wilayah_idx` ON `handoffs` (`wilayah_code`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`role` text NOT NULL,
	`facility_id` text,
	`wilayah_code` text,
	`created_at` text NOT NULL,
	`created_by` text,
	`revoked_at` text,
	`last_used_at` text,
	FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`wilayah_code`) REFERENCES `wilayah`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`facility_id` text,
	`wilayah_code` text,
	`staff_number` text DEFAULT '' NOT NULL,
	`lang` text DEFAULT 'id' NOT NULL,
	`disabled_at` text,
	`must_change_password` integer DEFAULT false NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`wilayah_code`) REFERENCES `wilayah`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`facility_id` text,
	`subject_type` text,
	`subject_id` text,
	`message` text NOT NULL,
	`detail` text,
	`raised_at` text NOT NULL,
	`resolved_at` text,
	`resolved_by` text
);
--> statement-breakpoint
CREATE INDEX `alerts_open_idx` ON `alerts` (`resolved_at`,`raised_at`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`ip` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_events` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`actor_key` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status_code` integer NOT NULL,
	`content_type` text,
	`location` text,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor_key`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `occupancy_samples` (
	`at` text NOT NULL,
	`approach` text NOT NULL,
	`occupied` integer NOT NULL,
	`usable` integer NOT NULL,
	PRIMARY KEY(`at`, `approach`)
);
