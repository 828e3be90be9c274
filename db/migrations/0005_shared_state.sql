CREATE TABLE `flash_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`session_hash` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `flash_messages_session_idx` ON `flash_messages` (`session_hash`,`expires_at`);--> statement-breakpoint
CREATE INDEX `flash_messages_expires_idx` ON `flash_messages` (`expires_at`);--> statement-breakpoint
CREATE TABLE `login_attempts` (
	`attempt_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`attempt_id`, `key_hash`)
);
--> statement-breakpoint
CREATE INDEX `login_attempts_key_at_idx` ON `login_attempts` (`key_hash`,`at`);--> statement-breakpoint
CREATE INDEX `login_attempts_at_idx` ON `login_attempts` (`at`);--> statement-breakpoint
CREATE TABLE `login_locks` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`locked_until` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_locks_until_idx` ON `login_locks` (`locked_until`);