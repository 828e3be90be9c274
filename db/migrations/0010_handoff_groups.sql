ALTER TABLE `handoff_persons` ADD `group_label` text;--> statement-breakpoint
ALTER TABLE `handoff_persons` ADD `relationship` text;