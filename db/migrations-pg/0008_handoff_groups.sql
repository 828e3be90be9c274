ALTER TABLE "handoff_persons" ADD COLUMN "group_label" text;
--> statement-breakpoint
ALTER TABLE "handoff_persons" ADD COLUMN "relationship" text;
