ALTER TABLE `persons` ADD `napza` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `referrals` ADD `split_reason` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `resolved_note` text;